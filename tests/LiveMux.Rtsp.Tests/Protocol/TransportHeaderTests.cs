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

    // A SETUP request's alternatives -> what the server's choice (first TCP unicast play alternative) sees.
    [Theory]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=0-1", "RTP/AVP/TCP tcp 0-1")]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=6", "RTP/AVP/TCP tcp 6-7")]
    [InlineData("RTP/AVP/TCP;unicast", "RTP/AVP/TCP tcp -")]
    [InlineData("rtp/avp/tcp;unicast;interleaved=2-3", "rtp/avp/tcp tcp 2-3")]
    [InlineData("RTP/AVP;unicast;client_port=5000-5001, RTP/AVP/TCP;unicast;interleaved=0-1", "RTP/AVP udp -|RTP/AVP/TCP tcp 0-1")]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=x-1,RTP/AVP/TCP;interleaved=8-9", "RTP/AVP/TCP tcp -|RTP/AVP/TCP tcp 8-9")]
    [InlineData("RTP/AVP/TCP;multicast;interleaved=0-1", "RTP/AVP/TCP tcp 0-1 multicast")]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=0-1;mode=record", "RTP/AVP/TCP tcp 0-1 record")]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=0-1;mode=\"PLAY\"", "RTP/AVP/TCP tcp 0-1")]
    [InlineData("RTP/AVP/UDP;unicast;client_port=5000-5001", "RTP/AVP/UDP udp -")]
    [InlineData("", "")]
    public void Parses_request_alternatives_in_order(string header, string expected)
    {
        var shown = TransportHeader.ParseAlternatives(header).Select(t =>
            $"{t.Profile} {(t.IsTcp ? "tcp" : "udp")} {(t.RtpChannel is { } rtp ? $"{rtp}-{t.RtcpChannel}" : "-")}"
            + (t.IsMulticast ? " multicast" : "") + (t.IsRecord ? " record" : ""));
        Assert.Equal(expected, string.Join('|', shown));
    }
}
