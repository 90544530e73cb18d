using LiveMux.Rtsp.Protocol;

namespace LiveMux.Rtsp.Tests.Protocol;

public sealed class TransportHeaderTests
{
    [Theory]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=0-1", true, 0, 1, null, null, null)]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=4", true, 4, 5, null, null, null)]
    [InlineData("RTP/AVP;unicast;client_port=50000-50001;server_port=6970-6971;ssrc=1A2B", false, null, null, 6970, 6971, null)]
    [InlineData("RTP/AVP/UDP;unicast;client_port=50000-50001;source=192.0.2.10;server_port=7000", false, null, null, 7000, 7001, "192.0.2.10")]
    [InlineData("RTP/AVP;unicast;server_port=abc-1", false, null, null, null, null, null)]
    [InlineData("RTP/AVP;unicast;server_port=70000-70001", false, null, null, null, null, null)]
    [InlineData("RTP/AVP;unicast;client_port=1-2;server_port=3-4,RTP/AVP/TCP;interleaved=0-1", false, null, null, 3, 4, null)]
    public void Parses_tcp_and_udp_replies(string header, bool tcp, int? rtp, int? rtcp, int? serverRtp, int? serverRtcp, string? source)
    {
        var t = TransportHeader.Parse(header);
        Assert.Equal(tcp, t.IsTcp);
        Assert.Equal(rtp, t.RtpChannel);
        Assert.Equal(rtcp, t.RtcpChannel);
        Assert.Equal(serverRtp, t.ServerRtpPort);
        Assert.Equal(serverRtcp, t.ServerRtcpPort);
        Assert.Equal(source, t.Source);
    }

    [Fact]
    public void Udp_request_names_the_even_odd_pair()
    {
        Assert.Equal("RTP/AVP;unicast;client_port=50000-50001", TransportHeader.RequestUdp(50000));
        Assert.Equal(50000, TransportHeader.Parse(TransportHeader.RequestUdp(50000)).ClientRtpPort);
    }
}
