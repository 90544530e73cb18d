using System.Net;
using System.Net.Sockets;

namespace LiveMux.Rtsp.Transport;

/// <summary>
/// The two UDP sockets of one track (RFC 3550 section 11: RTP on an even port, RTCP on the next, odd, one),
/// bound on the local address of the RTSP connection so they face the same interface as the camera.
/// </summary>
internal sealed class UdpPortPair : IDisposable
{
    private const int Attempts = 64;
    private const int ReceiveBufferBytes = 2 * 1024 * 1024;

    private UdpPortPair(Socket rtp, Socket rtcp)
    {
        Rtp = rtp;
        Rtcp = rtcp;
    }

    public Socket Rtp { get; }
    public Socket Rtcp { get; }
    public int RtpPort => ((IPEndPoint)Rtp.LocalEndPoint!).Port;
    public int RtcpPort => ((IPEndPoint)Rtcp.LocalEndPoint!).Port;

    /// <summary>Where the camera sends from (server_port), once SETUP told us; null until then.</summary>
    public IPEndPoint? ServerRtp { get; set; }
    public IPEndPoint? ServerRtcp { get; set; }

    /// <summary>Binds exactly <paramref name="rtpPort"/> (even) and the port after it: a server's fixed pair.</summary>
    public static UdpPortPair BindFixed(IPAddress local, int rtpPort)
    {
        if (rtpPort % 2 != 0 || rtpPort is < 2 or > 65534)
        {
            throw new ArgumentOutOfRangeException(nameof(rtpPort), rtpPort, "the RTP port must be even, with the RTCP port after it");
        }
        var rtp = NewSocket(local);
        var rtcp = NewSocket(local);
        try
        {
            rtp.Bind(new IPEndPoint(local, rtpPort));
            rtcp.Bind(new IPEndPoint(local, rtpPort + 1));
            return new UdpPortPair(rtp, rtcp);
        }
        catch
        {
            rtp.Dispose();
            rtcp.Dispose();
            throw;
        }
    }

    public static UdpPortPair Bind(IPAddress local)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var rtp = NewSocket(local);
            try
            {
                rtp.Bind(new IPEndPoint(local, 0));
                var port = ((IPEndPoint)rtp.LocalEndPoint!).Port;
                if (port % 2 != 0 || port == 65535)
                {
                    rtp.Dispose();
                    continue;
                }
                var rtcp = NewSocket(local);
                try
                {
                    rtcp.Bind(new IPEndPoint(local, port + 1));
                    return new UdpPortPair(rtp, rtcp);
                }
                catch (SocketException)
                {
                    rtcp.Dispose();
                    rtp.Dispose();
                }
            }
            catch (SocketException)
            {
                rtp.Dispose();
                throw;
            }
        }
        throw new RtspException(RtspErrorKind.UnsupportedTransport,
            $"could not bind an even/odd UDP port pair on {local} in {Attempts} attempts");
    }

    private static Socket NewSocket(IPAddress local)
    {
        // Non-blocking: a receiver report or PLI that finds the send buffer full is dropped (SendTo throws
        // WouldBlock) instead of stalling the session loop that sends it.
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        if (local.AddressFamily == AddressFamily.InterNetworkV6 && local.Equals(IPAddress.IPv6Any))
        {
            socket.DualMode = true; // [::] serves IPv4 clients too, as the TCP listener does
        }
        try
        {
            socket.ReceiveBufferSize = ReceiveBufferBytes;
        }
        catch (SocketException)
        {
            // the system caps it; the default still works
        }
        return socket;
    }

    public void Dispose()
    {
        Rtp.Dispose();
        Rtcp.Dispose();
    }
}
