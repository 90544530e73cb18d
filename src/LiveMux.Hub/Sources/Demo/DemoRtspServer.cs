using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// A small RTSP 1.0 server on 127.0.0.1 that serves the embedded demo clip, looped in real time, so the
/// demo stream goes through the same RTSP ingest path as a camera. TCP interleaved transport only.
/// </summary>
public sealed class DemoRtspServer : IAsyncDisposable
{
    private readonly DemoRtspServerOptions _options;
    private readonly ILogger<DemoRtspServer> _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<DemoRtspConnection, Task> _connections = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;
    private Uri? _url;
    private int _activeSessions;
    private int _disposed;

    public DemoRtspServer(DemoRtspServerOptions options, ILogger<DemoRtspServer> logger, TimeProvider time)
    {
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid DemoRtspServerOptions: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _logger = logger;
        _time = time;
    }

    /// <summary>rtsp://127.0.0.1:port/path; valid after <see cref="StartAsync"/>.</summary>
    public Uri Url => _url ?? throw new InvalidOperationException("The demo RTSP server is not started.");

    /// <summary>Sessions set up (SETUP) and not yet torn down or closed.</summary>
    public int ActiveSessions => Volatile.Read(ref _activeSessions);

    /// <summary>Parses the clip, binds 127.0.0.1:Port and starts accepting clients.</summary>
    public Task StartAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_listener is not null)
        {
            throw new InvalidOperationException("The demo RTSP server is already started.");
        }

        DemoClipContent clip = DemoClip.Instance; // fail here, not on the first client, if the clip is broken
        var listener = new TcpListener(IPAddress.Loopback, _options.Port);
        listener.Start(backlog: _options.MaxSessions);
        _listener = listener;
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _url = new Uri($"rtsp://127.0.0.1:{port}{_options.Path}");
        _logger.Listening(_url);
        _accepting = AcceptLoopAsync(listener, clip, _stopping.Token);
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync(TcpListener listener, DemoClipContent clip, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                if (ct.IsCancellationRequested)
                {
                    return;
                }

                _logger.AcceptFailed(ex);
                continue;
            }

            socket.NoDelay = true;
            socket.SendBufferSize = _options.SocketSendBufferBytes;
            bool reject = _connections.Count >= _options.MaxSessions;
            if (reject)
            {
                _logger.ClientRejected(socket.RemoteEndPoint, _options.MaxSessions);
            }
            else
            {
                _logger.ClientConnected(socket.RemoteEndPoint);
            }

            var connection = new DemoRtspConnection(
                socket, _options, clip, _logger, _time, reject, delta => Interlocked.Add(ref _activeSessions, delta));
            if (reject)
            {
                // A rejected client gets its 503 but takes no slot.
                _ = RunConnectionAsync(connection, Task.CompletedTask, ct);
                continue;
            }

            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task run = RunConnectionAsync(connection, started.Task, ct);
            _connections[connection] = run;
            started.SetResult();
        }
    }

    private async Task RunConnectionAsync(DemoRtspConnection connection, Task registered, CancellationToken ct)
    {
        await registered; // so the removal below never runs before the registration
        try
        {
            await connection.RunAsync(ct);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            connection.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener?.Stop();
        await _accepting;
        await Task.WhenAll(_connections.Values);
        _stopping.Dispose();
    }
}
