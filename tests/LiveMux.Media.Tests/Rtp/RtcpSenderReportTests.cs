using LiveMux.Media.Rtp;
using Xunit;

namespace LiveMux.Media.Tests.Rtp;

public sealed class RtcpSenderReportTests
{
    // A compound packet as cameras send it: an SR with no report blocks, then an SDES with a CNAME.
    private static readonly byte[] Compound =
    [
        0x80, 200, 0x00, 0x06, // V=2, SR, length 6 words
        0x12, 0x34, 0x56, 0x78, // SSRC
        0xE8, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, // NTP 0xE8000000.5
        0x00, 0x01, 0x5F, 0x90, // RTP 90000
        0x00, 0x00, 0x00, 0x0A, // packets
        0x00, 0x00, 0x10, 0x00, // octets
        0x81, 202, 0x00, 0x02, 0x12, 0x34, 0x56, 0x78, 0x01, 0x01, 0x61, 0x00, // SDES CNAME "a"
    ];

    [Fact]
    public void Finds_the_sender_report_in_a_compound_packet()
    {
        Assert.True(RtcpSenderReport.TryFind(Compound, out var sr));
        Assert.Equal(0x12345678u, sr.Ssrc);
        Assert.Equal(90000u, sr.RtpTimestamp);
        Assert.Equal(10u, sr.PacketCount);
        Assert.Equal(4096u, sr.OctetCount);
        Assert.Equal(0xE8000000 + 0.5, sr.NtpSeconds, 6);
    }

    [Fact]
    public void Finds_a_sender_report_after_a_receiver_report()
    {
        byte[] rr = [0x80, 201, 0x00, 0x01, 0xAA, 0xBB, 0xCC, 0xDD];
        Assert.True(RtcpSenderReport.TryFind([.. rr, .. Compound], out var sr));
        Assert.Equal(0x12345678u, sr.Ssrc);
    }

    [Theory]
    [InlineData(0)] // empty
    [InlineData(3)] // shorter than a header
    [InlineData(20)] // SR cut short of its declared length
    public void Rejects_truncated_input(int length) =>
        Assert.False(RtcpSenderReport.TryFind(Compound.AsSpan(0, length), out _));

    [Fact]
    public void Rejects_a_wrong_version_and_a_packet_without_sr()
    {
        var bad = (byte[])Compound.Clone();
        bad[0] = 0x40;
        Assert.False(RtcpSenderReport.TryFind(bad, out _));
        Assert.False(RtcpSenderReport.TryFind(Compound.AsSpan(28), out _));
    }
}
