using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LiveMux.Rtsp.Transport;
using Microsoft.Extensions.Logging;

namespace LiveMux.Rtsp.Server;

/// <summary>Takes the UDP packets that come from one registered address: a publisher's RTP or RTCP, a reader's RTCP.</summary>
internal interface IUdpReceiver
{
    void OnUdp(ReadOnlySpan<byte> packet, bool rtcp);
}

/// <summary>
/// The server's one UDP port pair (RFC 2326 section 12.39, server_port; gortsplib's serverUDPListener): every UDP
/// session sends its RTP and RTCP from these two sockets, and publishers and readers send theirs to them. A
/// packet is routed by its source address, which SETUP registered (the client's own address and client_port, never
/// a destination it names, so the server cannot be aimed at anyone else). Unregistered sources are dropped.
/// Sends never block: a full socket buffer drops the packet, as the network would.
/// </summary>
internal sealed class ServerUdp : IAsyncDisposable
{
    private const int MaxDatagram = 65535;
    private const int SendBufferBytes = 4 * 1024 * 1024;

    private readonly UdpPortPair _pair;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<IPEndPoint, IUdpReceiver> _routes = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _receiving;
    private long _dropped;

    private ServerUdp(UdpPortPair pair, ILogger logger)
    {
        _pair = pair;
        _logger = logger;
        foreach (var socket in new[] { pair.Rtp, pair.Rtcp })
        {
            try
            {
                socket.SendBufferSize = SendBufferBytes;
            }
            catch (SocketException)
            {
                // the system caps it; the default still works
            }
        }

        _receiving = Task.WhenAll(ReceiveLoopAsync(pair.Rtp, rtcp: false), ReceiveLoopAsync(pair.Rtcp, rtcp: true));
    }

    public int RtpPort => _pair.RtpPort;

    public int RtcpPort => _pair.RtcpPort;

    /// <summary>Packets sent to nobody because a socket buffer was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Binds <paramref name="rtpPort"/> and the port after it; 0 picks a free even pair.</summary>
    public static ServerUdp Start(IPAddress address, int rtpPort, ILogger logger) =>
        new(rtpPort == 0 ? UdpPortPair.Bind(address) : UdpPortPair.BindFixed(address, rtpPort), logger);

    /// <summary>The one form of an address used as a key: IPv4 clients of a dual-mode socket arrive as ::ffff:a.b.c.d.</summary>
    public static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    public bool Route(IPEndPoint from, IUdpReceiver receiver) => _routes.TryAdd(Normalize(from), receiver);

    public void Unroute(IPEndPoint from, IUdpReceiver receiver) =>
        _routes.TryRemove(new KeyValuePair<IPEndPoint, IUdpReceiver>(Normalize(from), receiver));

    public void Send(ReadOnlySpan<byte> packet, IPEndPoint to, bool rtcp)
    {
        var socket = rtcp ? _pair.Rtcp : _pair.Rtp;
        try
        {
            socket.SendTo(packet, SocketFlags.None, socket.DualMode && to.AddressFamily == AddressFamily.InterNetwork
                ? new IPEndPoint(to.Address.MapToIPv6(), to.Port)
                : to);
        }
        catch (SocketException)
        {
            // WouldBlock (buffer full), or an ICMP port-unreachable from an earlier send: the packet is lost.
            Interlocked.Increment(ref _dropped);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ReceiveLoopAsync(Socket socket, bool rtcp)
    {
        await Task.Yield();
        var buffer = new byte[MaxDatagram];
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        while (!_stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP errors of earlier sends surface here on Linux (ConnectionReset): not this socket's end.
                continue;
            }

            if (result.RemoteEndPoint is IPEndPoint from && _routes.TryGetValue(Normalize(from), out var receiver))
            {
                try
                {
                    receiver.OnUdp(buffer.AsSpan(0, result.ReceivedBytes), rtcp);
                }
                catch (Exception e)
                {
                    RtspServerLog.UdpReceiverFailed(_logger, from, e);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _pair.Dispose();
        await _receiving.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
