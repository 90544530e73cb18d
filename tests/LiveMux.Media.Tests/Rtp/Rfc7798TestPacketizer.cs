namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// Test-side RFC 7798 packetizer, written from the RFC independently of the code under test: single NAL unit
/// packets (4.4.1), aggregation packets (4.4.2) and fragmentation units (4.4.3), no DONL, configurable MTU.
/// <code>
/// AP: [F|48|LayerId|TID] { [size16][NAL] }...      FU: [F|49|LayerId|TID][S|E|FuType][fragment]
/// </code>
/// The AP header takes the lowest LayerId and TID of its NAL units and F if any has it (4.4.2).
/// </summary>
internal sealed class Rfc7798TestPacketizer(PacketizerOptions options)
{
    private ushort _sequence = options.FirstSequence;

    public List<byte[]> Packetize(IEnumerable<TestFrame> frames) => frames.SelectMany(Packetize).ToList();

    public List<byte[]> Packetize(TestFrame frame)
    {
        var payloads = new List<(byte[] Payload, bool EndsSlice)>();
        var group = new List<byte[]>();
        var groupSize = 2;

        void FlushGroup()
        {
            if (group.Count == 1)
            {
                payloads.Add((group[0], IsSlice(group[0])));
            }
            else if (group.Count > 1)
            {
                var layer = group.Min(n => ((n[0] & 1) << 5) | (n[1] >> 3));
                var tid = group.Min(n => n[1] & 7);
                var ap = new List<byte>
                {
                    (byte)(group.Aggregate(0, (f, n) => f | (n[0] & 0x80)) | (48 << 1) | (layer >> 5)),
                    (byte)(((layer & 0x1F) << 3) | tid),
                };
                foreach (var nal in group)
                {
                    ap.Add((byte)(nal.Length >> 8));
                    ap.Add((byte)nal.Length);
                    ap.AddRange(nal);
                }

                payloads.Add(([.. ap], group.Any(IsSlice)));
            }

            group.Clear();
            groupSize = 2;
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
            packets.Add(RtpPacketTests.Build(0, -1, 0, marker, _sequence++, frame.Timestamp, 0x55667788, options.PayloadType, payloads[i].Payload));
        }

        return packets;
    }

    private IEnumerable<byte[]> Fragment(byte[] nal)
    {
        var type = (nal[0] >> 1) & 0x3F;
        var chunk = options.Mtu - 3;
        for (var offset = 2; offset < nal.Length; offset += chunk)
        {
            var length = Math.Min(chunk, nal.Length - offset);
            var fu = new byte[3 + length];
            fu[0] = (byte)((nal[0] & 0x81) | (49 << 1));
            fu[1] = nal[1];
            fu[2] = (byte)((offset == 2 ? 0x80 : 0) | (offset + length == nal.Length ? 0x40 : 0) | type);
            Array.Copy(nal, offset, fu, 3, length);
            yield return fu;
        }
    }

    private static bool IsSlice(byte[] nal) => ((nal[0] >> 1) & 0x3F) < 32;
}
