using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Rtp;

namespace LiveMux.Rtsp.Tests.Rtp;

public sealed class RtcpReceiverReportTests
{
    [Fact]
    public void Report_block_and_cname_are_laid_out_as_rfc3550_says()
    {
        var packet = RtcpReceiverReport.Encode(0x11223344,
            new RtcpReceiverReport.Block(0xAABBCCDD, 0x40, 1234, 0x0001_0005, 77, 0x12345678, 0x00020000), "ab");
        byte[] expected =
        [
            0x81, 201, 0, 7, 0x11, 0x22, 0x33, 0x44,             // V=2 RC=1 RR, length 7 words, sender SSRC
            0xAA, 0xBB, 0xCC, 0xDD,                               // source SSRC
            0x40, 0x00, 0x04, 0xD2,                               // fraction 64/256, cumulative lost 1234
            0x00, 0x01, 0x00, 0x05,                               // extended highest sequence
            0, 0, 0, 77,                                          // jitter
            0x12, 0x34, 0x56, 0x78,                               // LSR
            0x00, 0x02, 0x00, 0x00,                               // DLSR: 2 s
            0x81, 202, 0, 3, 0x11, 0x22, 0x33, 0x44,              // SDES SC=1, length 3 words, SSRC
            1, 2, (byte)'a', (byte)'b', 0, 0, 0, 0,               // CNAME "ab", END, padding
        ];
        Assert.Equal(expected, packet);
    }

    [Theory]
    [InlineData("", 12)]
    [InlineData("a", 12)]
    [InlineData("ab", 16)]
    [InlineData("abc", 16)]
    [InlineData("abcd", 16)]
    [InlineData("abcdef", 20)]
    [InlineData("livemux@127.0.0.1", 28)]
    public void Sdes_is_padded_with_at_least_one_end_byte(string cname, int sdesBytes)
    {
        var packet = RtcpReceiverReport.Encode(1, null, cname);
        Assert.Equal(8 + sdesBytes, packet.Length);
        Assert.Equal(0x80, packet[0]); // RC=0 without a source
        Assert.Equal(0, packet[^1]);
        Assert.Equal(sdesBytes / 4 - 1, packet[8 + 3]);
        // The compound packet walks cleanly: the existing SR finder reads through both parts without error.
        Assert.False(RtcpSenderReport.TryFind(packet, out _));
    }

    [Theory]
    [InlineData(-5, 0xFFFFFB)]
    [InlineData(0x7FFFFF + 10, 0x7FFFFF)]
    [InlineData(-0x900000, 0x800000)]
    public void Cumulative_lost_is_24_bit_signed_and_clamped(int lost, int field)
    {
        var packet = RtcpReceiverReport.Encode(1, new RtcpReceiverReport.Block(2, 0, lost, 0, 0, 0, 0), "x");
        Assert.Equal(field, (packet[13] << 16) | (packet[14] << 8) | packet[15]);
    }

    [Fact]
    public void Lsr_is_the_middle_of_the_ntp_timestamp_and_dlsr_is_in_65536ths()
    {
        Assert.Equal(0x5678_9ABCu, RtcpReceiverReport.MiddleBits(0x1234_5678_9ABC_DEF0));
        Assert.Equal(0x8000u, RtcpReceiverReport.ToDlsr(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(0u, RtcpReceiverReport.ToDlsr(TimeSpan.FromSeconds(-1)));
    }
}
