namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// Test-side RFC 6184 packetizer, written from the RFC independently of the code under test:
/// single NAL unit packets (5.6), STAP-A (5.7.1) and FU-A (5.8), with a configurable MTU.
/// <code>
/// STAP-A: [F|NRI|24] { [size16][NAL] }...      FU-A: [F|NRI|28][S|E|R|type][fragment]
/// </code>
/// </summary>
internal sealed class Rfc6184TestPacketizer(PacketizerOptions options) : NalTestPacketizer(options, 0x11223344)
{
    protected override int AggregationHeaderSize => 1;

    protected override byte[] Aggregate(List<byte[]> nals) =>
        SizePrefixed([(byte)(nals.Aggregate(0, (h, n) => h | (n[0] & 0x80)) | nals.Max(n => n[0] & 0x60) | 24)], nals);

    protected override IEnumerable<byte[]> Fragment(byte[] nal)
    {
        var indicator = (byte)((nal[0] & 0xE0) | 28);
        var type = nal[0] & 0x1F;
        var chunk = Options.Mtu - 2;
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

    protected override bool IsSlice(byte[] nal) => (nal[0] & 0x1F) is >= 1 and <= 5;
}
