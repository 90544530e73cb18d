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
/// Test-side RFC 6184 packetizer, written from the RFC independently of the code under test:
/// single NAL unit packets (5.6), STAP-A (5.7.1) and FU-A (5.8), with a configurable MTU.
/// <code>
/// STAP-A: [F|NRI|24] { [size16][NAL] }...      FU-A: [F|NRI|28][S|E|R|type][fragment]
/// </code>
/// </summary>
internal sealed class Rfc6184TestPacketizer(PacketizerOptions options)
{
    private ushort _sequence = options.FirstSequence;

    public PacketizerOptions Options => options;

    public List<byte[]> Packetize(IEnumerable<TestFrame> frames) => frames.SelectMany(Packetize).ToList();

    public List<byte[]> Packetize(TestFrame frame)
    {
        // Payloads with whether they end a slice.
        var payloads = new List<(byte[] Payload, bool EndsSlice)>();
        var group = new List<byte[]>();
        var groupSize = 1;

        void FlushGroup()
        {
            if (group.Count == 1)
            {
                payloads.Add((group[0], IsSlice(group[0])));
            }
            else if (group.Count > 1)
            {
                var stap = new List<byte>
                {
                    (byte)(group.Aggregate(0, (h, n) => h | (n[0] & 0x80)) | group.Max(n => n[0] & 0x60) | 24),
                };
                foreach (var nal in group)
                {
                    stap.Add((byte)(nal.Length >> 8));
                    stap.Add((byte)nal.Length);
                    stap.AddRange(nal);
                }

                payloads.Add(([.. stap], group.Any(IsSlice)));
            }

            group.Clear();
            groupSize = 1;
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
            packets.Add(RtpPacketTests.Build(0, -1, 0, marker, _sequence++, frame.Timestamp, 0x11223344, options.PayloadType, payloads[i].Payload));
        }

        return packets;
    }

    private IEnumerable<byte[]> Fragment(byte[] nal)
    {
        var indicator = (byte)((nal[0] & 0xE0) | 28);
        var type = nal[0] & 0x1F;
        var chunk = options.Mtu - 2;
        for (var offset = 1; offset < nal.Length; offset += chunk)
        {
            var length = Math.Min(chunk, nal.Length - offset);
            var fu = new byte[2 + length];
            fu[0] = indicator;
            fu[1] = (byte)((offset == 1 ? 0x80 : 0) | (offset + length == nal.Length ? 0x40 : 0) | type);
            Array.Copy(nal, offset, fu, 2, length);
            yield return fu;
        }
    }

    private static bool IsSlice(byte[] nal) => (nal[0] & 0x1F) is >= 1 and <= 5;
}
