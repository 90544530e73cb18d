namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// Test-side RFC 7798 packetizer, written from the RFC independently of the code under test: single NAL unit
/// packets (4.4.1), aggregation packets (4.4.2) and fragmentation units (4.4.3), no DONL, configurable MTU.
/// <code>
/// AP: [F|48|LayerId|TID] { [size16][NAL] }...      FU: [F|49|LayerId|TID][S|E|FuType][fragment]
/// </code>
/// The AP header takes the lowest LayerId and TID of its NAL units and F if any has it (4.4.2).
/// </summary>
internal sealed class Rfc7798TestPacketizer(PacketizerOptions options) : NalTestPacketizer(options, 0x55667788)
{
    protected override int AggregationHeaderSize => 2;

    protected override byte[] Aggregate(List<byte[]> nals)
    {
        var layer = nals.Min(n => ((n[0] & 1) << 5) | (n[1] >> 3));
        var tid = nals.Min(n => n[1] & 7);
        return SizePrefixed(
            [(byte)(nals.Aggregate(0, (f, n) => f | (n[0] & 0x80)) | (48 << 1) | (layer >> 5)), (byte)(((layer & 0x1F) << 3) | tid)],
            nals);
    }

    protected override IEnumerable<byte[]> Fragment(byte[] nal)
    {
        var type = (nal[0] >> 1) & 0x3F;
        var chunk = Options.Mtu - 3;
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

    protected override bool IsSlice(byte[] nal) => ((nal[0] >> 1) & 0x3F) < 32;
}
