using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Rtp;

namespace LiveMux.Rtsp.Tests.Rtp;

public sealed class RtpHeaderFieldsTests
{
    // Packets with CSRCs, an extension, padding: the rebuilt packet has the same fields and payload as the parsed one.
    [Theory]
    [InlineData("80 60 00 07 00 00 0B B8 0B AD F0 0D 65 88 84", "65 88 84")]
    [InlineData("80 E1 FF FF FF FF FF FF 00 00 00 01 AA", "AA")]
    [InlineData("82 60 00 01 00 00 00 00 00 00 00 02 11 11 11 11 22 22 22 22 41 42", "41 42")]
    [InlineData("90 60 00 01 00 00 00 00 00 00 00 02 BE DE 00 01 01 02 03 04 61 62 63", "61 62 63")]
    [InlineData("A0 60 00 01 00 00 00 00 00 00 00 02 09 08 00 00 03", "09 08")]
    [InlineData("80 60 00 01 00 00 00 00 00 00 00 02", "")]
    public void Rebuilds_the_packet_parsed_once(string hex, string payload)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(RtpParseStatus.Ok, RtpPacket.TryParse(bytes, out var parsed));
        var fields = RtpHeaderFields.From(parsed, bytes);

        var copy = bytes.ToArray(); // the reorder buffer hands back the same bytes; a copy proves only offsets are kept
        var rebuilt = fields.ToPacket(copy);

        Assert.Equal(parsed.Marker, rebuilt.Marker);
        Assert.Equal(parsed.PayloadType, rebuilt.PayloadType);
        Assert.Equal(parsed.SequenceNumber, rebuilt.SequenceNumber);
        Assert.Equal(parsed.Timestamp, rebuilt.Timestamp);
        Assert.Equal(parsed.Ssrc, rebuilt.Ssrc);
        Assert.Equal(Convert.FromHexString(payload.Replace(" ", "", StringComparison.Ordinal)), rebuilt.Payload.ToArray());
    }
}
