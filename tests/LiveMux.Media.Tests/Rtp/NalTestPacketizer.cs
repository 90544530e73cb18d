namespace LiveMux.Media.Tests.Rtp;

/// <summary>Where an encoder puts the RTP marker bit.</summary>
internal enum MarkerPolicy
{
    /// <summary>RFC 6184 5.1: on the last packet of the access unit.</summary>
    LastPacketOfFrame,

    /// <summary>Never; the receiver has to split frames on timestamp changes.</summary>
    Never,

    /// <summary>On the last packet of every slice, as some cameras do.</summary>
    EverySlice,
}

internal sealed record PacketizerOptions
{
    /// <summary>Largest RTP payload.</summary>
    public int Mtu { get; init; } = 1200;

    /// <summary>Put consecutive small NAL units into STAP-A packets.</summary>
    public bool Aggregate { get; init; } = true;

    public MarkerPolicy Marker { get; init; } = MarkerPolicy.LastPacketOfFrame;

    public ushort FirstSequence { get; init; }

    public byte PayloadType { get; init; } = 96;
}

/// <summary>One frame to send: its RTP timestamp and its NAL units (header byte first, no start codes).</summary>
internal sealed record TestFrame(uint Timestamp, IReadOnlyList<byte[]> Nals);

/// <summary>
/// What the test packetizers of RFC 6184 and RFC 7798 share: NAL units that fit the MTU go alone or, with
/// <see cref="PacketizerOptions.Aggregate"/>, several to an aggregation packet; bigger ones are fragmented;
/// the marker bit follows <see cref="PacketizerOptions.Marker"/>. Sequence numbers run across calls.
/// </summary>
internal abstract class NalTestPacketizer(PacketizerOptions options, uint ssrc)
{
    private ushort _sequence = options.FirstSequence;

    public PacketizerOptions Options => options;

    /// <summary>Bytes an aggregation packet spends before its first NAL unit size.</summary>
    protected abstract int AggregationHeaderSize { get; }

    protected abstract byte[] Aggregate(List<byte[]> nals);

    protected abstract IEnumerable<byte[]> Fragment(byte[] nal);

    protected abstract bool IsSlice(byte[] nal);

    public List<byte[]> Packetize(IEnumerable<TestFrame> frames) => frames.SelectMany(Packetize).ToList();

    public List<byte[]> Packetize(TestFrame frame)
    {
        // Payloads with whether they end a slice.
        var payloads = new List<(byte[] Payload, bool EndsSlice)>();
        var group = new List<byte[]>();
        var groupSize = AggregationHeaderSize;

        void FlushGroup()
        {
            if (group.Count == 1)
            {
                payloads.Add((group[0], IsSlice(group[0])));
            }
            else if (group.Count > 1)
            {
                payloads.Add((Aggregate(group), group.Any(IsSlice)));
            }

            group.Clear();
            groupSize = AggregationHeaderSize;
        }

        foreach (var nal in frame.Nals)
        {
            if (nal.Length > options.Mtu)
            {
                FlushGroup();
                foreach (var fragment in Fragment(nal))
                {
                    payloads.Add((fragment, false));
                }

                payloads[^1] = (payloads[^1].Payload, IsSlice(nal));
                continue;
            }

            if (!options.Aggregate || groupSize + 2 + nal.Length > options.Mtu)
            {
                FlushGroup();
            }

            group.Add(nal);
            groupSize += 2 + nal.Length;
            if (!options.Aggregate || (options.Marker == MarkerPolicy.EverySlice && IsSlice(nal)))
            {
                FlushGroup();
            }
        }

        FlushGroup();

        var packets = new List<byte[]>(payloads.Count);
        for (var i = 0; i < payloads.Count; i++)
        {
            var marker = options.Marker switch
            {
                MarkerPolicy.LastPacketOfFrame => i == payloads.Count - 1,
                MarkerPolicy.EverySlice => payloads[i].EndsSlice,
                _ => false,
            };
            packets.Add(RtpPacketTests.Build(0, -1, 0, marker, _sequence++, frame.Timestamp, ssrc, options.PayloadType, payloads[i].Payload));
        }

        return packets;
    }

    /// <summary>Sizes and NAL units, each size 16 bits big-endian, after the aggregation header.</summary>
    protected static byte[] SizePrefixed(IEnumerable<byte> header, List<byte[]> nals)
    {
        var packet = new List<byte>(header);
        foreach (var nal in nals)
        {
            packet.Add((byte)(nal.Length >> 8));
            packet.Add((byte)nal.Length);
            packet.AddRange(nal);
        }

        return [.. packet];
    }
}
