using LiveMux.Hub.Sources.Demo;

namespace LiveMux.Hub.Tests.Sources.Demo;

public sealed class DemoTransportHeaderTests
{
    [Theory]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=0-1", true, 0, 1)]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=4-5", true, 4, 5)]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=6", true, 6, 7)]
    [InlineData("RTP/AVP/TCP;unicast", true, 0, 1)]
    [InlineData("rtp/avp/tcp;unicast;interleaved=2-3", true, 2, 3)]
    [InlineData("RTP/AVP;unicast;client_port=5000-5001,RTP/AVP/TCP;unicast;interleaved=0-1", true, 0, 1)]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=x-1,RTP/AVP/TCP;interleaved=8-9", true, 8, 9)]
    [InlineData("RTP/AVP;unicast;client_port=5000-5001", false, 0, 0)]
    [InlineData("RTP/AVP/UDP;unicast;client_port=5000-5001", false, 0, 0)]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=255", false, 0, 0)]
    [InlineData("", false, 0, 0)]
    [InlineData(null, false, 0, 0)]
    public void Parses_the_first_tcp_alternative(string? header, bool ok, int rtp, int rtcp)
    {
        Assert.Equal(ok, DemoTransportHeader.TryParseTcp(header, out byte rtpChannel, out byte rtcpChannel));
        if (ok)
        {
            Assert.Equal(rtp, rtpChannel);
            Assert.Equal(rtcp, rtcpChannel);
        }
    }
}
