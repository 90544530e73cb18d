using System.Net;
using LiveMux.Rtsp.Server;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// The demo camera: the embedded clip, published in real time (<see cref="DemoPublisher"/>) into a mount of
/// LiveMux.Rtsp's own <see cref="RtspServer"/> on 127.0.0.1, so the demo stream is read back through the RTSP
/// client exactly as a camera is.
/// <code>
///   DemoClip --DemoPublisher (paced)--> RtpEgress(H264Format) --> ServerStream "demo" --> RtspServer --> RtspClient --> hub
/// </code>
/// </summary>
public sealed class DemoRtspServer : IAsyncDisposable
{
    private readonly DemoRtspServerOptions _options;
    private readonly ILogger<DemoRtspServer> _logger;
    private readonly TimeProvider _time;
    private readonly RtspServer _server;
    private readonly CancellationTokenSource _stopping = new();
    private Task _publishing = Task.CompletedTask;
    private DemoPublisher? _publisher;
    private Uri? _url;
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
        // The server logs under the demo's category, so `Logging:LogLevel` for the demo covers it.
        _server = new RtspServer(options.Server, new ForwardingLogger(logger), time);
    }

    /// <summary>rtsp://127.0.0.1:port/path; valid after <see cref="StartAsync"/>.</summary>
    public Uri Url => _url ?? throw new InvalidOperationException("The demo RTSP server is not started.");

    /// <summary>Sessions set up (SETUP) and not yet torn down or closed.</summary>
    public int ActiveSessions => _server.ActiveSessions;

    /// <summary>The publisher, once started (for tests).</summary>
    internal DemoPublisher? Publisher => _publisher;

    /// <summary>Parses the clip, binds 127.0.0.1:Port and starts publishing and accepting clients.</summary>
    public Task StartAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_url is not null)
        {
            throw new InvalidOperationException("The demo RTSP server is already started.");
        }

        DemoClipContent clip = DemoClip.Instance; // fail here, not on the first client, if the clip is broken
        var egress = new RtpEgress(clip.Format(payloadType: 96), new RtpEgressOptions { SdpAttributes = [$"framerate:{DemoClip.FrameRate}"] });
        var stream = new ServerStream([egress.Track]);
        _server.Mount(_options.Path.TrimStart('/'), stream);
        _server.Start(new IPEndPoint(IPAddress.Loopback, _options.Port));
        _url = new Uri($"rtsp://127.0.0.1:{_server.LocalEndPoint.Port}{_options.Path}");
        _publisher = new DemoPublisher(clip, egress, stream, _time, _logger);
        _publishing = PublishAsync(_publisher, _stopping.Token);
        _logger.Listening(_url);
        return Task.CompletedTask;
    }

    private async Task PublishAsync(DemoPublisher publisher, CancellationToken ct)
    {
        try
        {
            await Task.Yield();
            await publisher.RunAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _logger.PublisherFailed(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _publishing;
        await _server.DisposeAsync();
        _stopping.Dispose();
    }

    private sealed class ForwardingLogger(ILogger inner) : ILogger<RtspServer>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
