using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using LiveMux.Rtsp.Auth;
using Microsoft.Extensions.Logging;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// An RTSP 1.0 server (RFC 2326) for readers and publishers, over TCP interleaved and UDP unicast (gortsplib's
/// Server): it listens, accepts up to <see cref="RtspServerOptions.MaxConnections"/> connections, and serves each
/// mounted <see cref="IRtspMedia"/> at rtsp://host:port/&lt;path&gt;, and whatever its <see cref="IRtspPaths"/> grants
/// beyond them (with auth). Each connection runs its own read and write loops (<see cref="ServerConnection"/>); UDP
/// goes through one port pair (<see cref="ServerUdp"/>).
/// </summary>
public sealed class RtspServer : IAsyncDisposable
{
    private readonly RtspServerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, IRtspMedia> _mounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ServerConnection, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;
    private int _activeSessions;
    private int _rejecting;
    private int _open;
    private int _disposed;

    public RtspServer(RtspServerOptions options, ILogger<RtspServer> logger, TimeProvider time, IRtspPaths? paths = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid RtspServerOptions: " + string.Join(" ", errors), nameof(options));
        }
        _options = options;
        _logger = logger;
        _time = time;
        Paths = paths;
        Nonces = new ServerNonces(time, options.NonceLifetime);
    }

    /// <summary>Paths served beyond the fixed mounts, and who may read or publish them; null: mounts only, no auth.</summary>
    public IRtspPaths? Paths { get; }

    /// <summary>The UDP port pair, once started with <see cref="RtspServerOptions.UdpRtpPort"/> set; else null.</summary>
    internal ServerUdp? Udp { get; private set; }

    internal ServerNonces Nonces { get; }

    /// <summary>The server's UDP RTP and RTCP ports, or null when it serves TCP only.</summary>
    public (int Rtp, int Rtcp)? UdpPorts => Udp is { } udp ? (udp.RtpPort, udp.RtcpPort) : null;

    /// <summary>Clients playing or publishing now.</summary>
    public IReadOnlyList<RtspClientInfo> Clients => [.. _connections.Keys.Select(c => c.Info).OfType<RtspClientInfo>()];

    /// <summary>The bound address; valid after <see cref="Start"/>.</summary>
    public IPEndPoint LocalEndPoint =>
        (IPEndPoint)(_listener ?? throw new InvalidOperationException("The RTSP server is not started.")).LocalEndpoint;

    /// <summary>Sessions set up and not yet torn down or closed.</summary>
    public int ActiveSessions => Volatile.Read(ref _activeSessions);

    /// <summary>Connections served (not counting rejected ones being told 503).</summary>
    public int Connections => Volatile.Read(ref _open);

    /// <summary>Serves <paramref name="media"/> at rtsp://host:port/<paramref name="path"/> (no leading slash).</summary>
    public void Mount(string path, IRtspMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (string.IsNullOrEmpty(path) || path.StartsWith('/') || path.EndsWith('/') || path.Any(c => char.IsWhiteSpace(c) || c is '?' or '#')
            || path.Contains("trackID=", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' is not a mount path: no leading or trailing '/', whitespace, '?', '#' or trackID=", nameof(path));
        }
        if (!_mounts.TryAdd(path, media))
        {
            throw new InvalidOperationException($"'{path}' is already mounted.");
        }
    }

    /// <summary>Stops serving <paramref name="path"/> to new sessions; sessions playing it keep their subscription.</summary>
    public bool Unmount(string path) => _mounts.TryRemove(path, out _);

    /// <summary>Binds <paramref name="endPoint"/> (port 0 picks one) and starts accepting clients.</summary>
    public void Start(IPEndPoint endPoint)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_listener is not null)
        {
            throw new InvalidOperationException("The RTSP server is already started.");
        }
        var listener = new TcpListener(endPoint);
        if (endPoint.Address.Equals(IPAddress.IPv6Any))
        {
            listener.Server.DualMode = true;
        }
        listener.Start(backlog: Math.Min(_options.MaxConnections, 512));
        if (_options.UdpRtpPort is { } udpPort)
        {
            try
            {
                Udp = ServerUdp.Start(endPoint.Address, udpPort, _logger);
            }
            catch
            {
                listener.Stop();
                throw;
            }
            RtspServerLog.UdpListening(_logger, Udp.RtpPort, Udp.RtcpPort);
        }
        _listener = listener;
        RtspServerLog.Listening(_logger, listener.LocalEndpoint);
        _accepting = AcceptLoopAsync(listener, _stopping.Token);
    }

    /// <summary>Raised as each served connection ends: why, and how full its queue ever got (tests, diagnostics).</summary>
    internal event Action<ClosedConnection>? ConnectionClosed;

    internal bool TryGetMedia(string path, [NotNullWhen(true)] out IRtspMedia? media) => _mounts.TryGetValue(path, out media);

    internal void SessionOpened() => Interlocked.Increment(ref _activeSessions);

    internal void SessionClosed() => Interlocked.Decrement(ref _activeSessions);

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException ex)
            {
                RtspServerLog.AcceptFailed(_logger, ex);
                continue;
            }

            socket.NoDelay = true;
            socket.SendBufferSize = _options.SocketSendBufferBytes;
            var reject = Volatile.Read(ref _open) >= _options.MaxConnections;
            if (reject)
            {
                RtspServerLog.Rejected(_logger, socket.RemoteEndPoint, _options.MaxConnections);
                // A rejected client is told why (503), briefly; past as many again it is just closed.
                if (Interlocked.Increment(ref _rejecting) > _options.MaxConnections)
                {
                    Interlocked.Decrement(ref _rejecting);
                    socket.Dispose();
                    continue;
                }
            }
            else
            {
                Interlocked.Increment(ref _open);
                RtspServerLog.Connected(_logger, socket.RemoteEndPoint);
            }

            var connection = new ServerConnection(socket, this, _options, _logger, _time, reject);
            var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var run = RunConnectionAsync(connection, registered.Task, reject, ct);
            _connections[connection] = run;
            registered.SetResult();
        }
    }

    private async Task RunConnectionAsync(ServerConnection connection, Task registered, bool rejected, CancellationToken ct)
    {
        await registered.ConfigureAwait(false); // so the removal below never runs before the registration
        try
        {
            await connection.RunAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RtspServerLog.ConnectionFailed(_logger, connection.Remote, ex);
        }
        finally
        {
            Interlocked.Decrement(ref rejected ? ref _rejecting : ref _open);
            _connections.TryRemove(connection, out _);
            if (!rejected)
            {
                ConnectionClosed?.Invoke(new ClosedConnection(connection.CloseReason, connection.Queue.PeakFrames, connection.Queue.FramesSent));
            }
            connection.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        await _accepting.ConfigureAwait(false);
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        if (Udp is not null)
        {
            await Udp.DisposeAsync().ConfigureAwait(false);
        }
        _stopping.Dispose();
    }
}

/// <summary>A served connection that ended: the reason it was closed, its queue's high-water mark, frames sent.</summary>
internal readonly record struct ClosedConnection(string Reason, long PeakQueuedFrames, long FramesSent);
