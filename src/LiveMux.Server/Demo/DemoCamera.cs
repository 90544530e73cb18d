using System.Net;
using LiveMux.Hub;
using LiveMux.Hub.Sources.Demo;
using LiveMux.Rtsp.Server;
using LiveMux.Server.Egress.Rtsp;

namespace LiveMux.Server.Demo;

/// <summary>
/// The demo camera: the embedded clip as a stream of samples, served by the RTSP egress on LiveMux.Rtsp's own
/// <see cref="RtspServer"/> on 127.0.0.1, so the demo stream is read back through the RTSP client exactly as a
/// camera is.
/// <code>
///   ClipSource (paced) --Sample--> clip stream --RtspEgress--> ServerStream "demo" --> RtspServer --> RtspClient --> hub
/// </code>
/// </summary>
internal sealed class DemoCamera : IAsyncDisposable
{
    private readonly DemoCameraOptions _options;
    private readonly ILogger<DemoCamera> _logger;
    private readonly RtspServer _server;
    private readonly LiveStream _clip;
    private readonly TimeProvider _time;
    private RtspEgress? _egress;
    private Uri? _url;
    private int _disposed;

    public DemoCamera(DemoCameraOptions options, ILogger<DemoCamera> logger, TimeProvider time)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid DemoCameraOptions: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _logger = logger;
        // The server and the clip log under the demo's category, so `Logging:LogLevel` for the demo covers them.
        _server = new RtspServer(options.Server, new ForwardingLogger<RtspServer>(logger), time);
        _clip = DemoClipStream.Create(time, logger);
        _time = time;
    }

    /// <summary>rtsp://127.0.0.1:port/path; valid after <see cref="StartAsync"/>.</summary>
    public Uri Url => _url ?? throw new InvalidOperationException("The demo camera is not started.");

    /// <summary>Sessions set up (SETUP) and not yet torn down or closed.</summary>
    public int ActiveSessions => _server.ActiveSessions;

    /// <summary>The clip stream the camera serves (for tests).</summary>
    internal LiveStream Clip => _clip;

    /// <summary>Starts the clip and the server; returns once the clip is mounted, so a client's DESCRIBE finds it.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_egress is not null)
        {
            throw new InvalidOperationException("The demo camera is already started.");
        }

        var path = _options.Path.TrimStart('/');
        _egress = new RtspEgress(_clip, _time, _logger, media =>
        {
            _server.Unmount(path);
            _server.Mount(path, media);
        });
        _egress.Start();
        await _egress.Mounted.WaitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        _server.Start(new IPEndPoint(IPAddress.Loopback, _options.Port));
        _url = new Uri($"rtsp://127.0.0.1:{_server.LocalEndPoint.Port}{_options.Path}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _clip.DisposeAsync().ConfigureAwait(false);
        if (_egress is not null)
        {
            await _egress.DisposeAsync().ConfigureAwait(false);
        }

        await _server.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class ForwardingLogger<T>(ILogger inner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
