using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Rtp;

namespace LiveMux.Rtsp.Tests.Rtp;

public sealed class RtcpPictureLossTests
{
    [Fact]
    public void Pli_follows_the_receiver_report_and_sdes_as_rfc4585_says()
    {
        var packet = RtcpPictureLoss.Encode(0x11223344, 0xAABBCCDD, null, "ab");
        byte[] expected =
        [
            0x80, 201, 0, 1, 0x11, 0x22, 0x33, 0x44,              // RR with no block: a compound starts with SR or RR
            0x81, 202, 0, 3, 0x11, 0x22, 0x33, 0x44,              // SDES SC=1, CNAME required in every compound
            1, 2, (byte)'a', (byte)'b', 0, 0, 0, 0,
            0x81, 206, 0, 2,                                      // V=2 FMT=1 (PLI), PT=206 (PSFB), length 2 words
            0x11, 0x22, 0x33, 0x44,                               // sender SSRC
            0xAA, 0xBB, 0xCC, 0xDD,                               // media source SSRC: the camera's video
        ];
        Assert.Equal(expected, packet);
    }

    [Theory]
    [InlineData("")]
    [InlineData("livemux@127.0.0.1")]
    public void Every_part_of_the_compound_has_a_length_that_ends_on_the_next(string cname)
    {
        var packet = RtcpPictureLoss.Encode(1, 2, new RtcpReceiverReport.Block(2, 0, 0, 0, 0, 0, 0), cname);
        var types = new List<int>();
        var offset = 0;
        while (offset < packet.Length)
        {
            Assert.Equal(2, packet[offset] >> 6);
            types.Add(packet[offset + 1]);
            offset += 4 * (((packet[offset + 2] << 8) | packet[offset + 3]) + 1);
        }

        Assert.Equal(packet.Length, offset);
        Assert.Equal([201, 202, 206], types);
        Assert.False(RtcpSenderReport.TryFind(packet, out _));
    }
}
