using System.Collections.Concurrent;
using LiveMux.Hub.Sources;
using LiveMux.Rtsp;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub;

/// <summary>The configured streams by name. Streams start on demand; always-on ones start with the hub.</summary>
public sealed class StreamHub : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, LiveStream> _streams = new(StringComparer.Ordinal);
    private readonly ViewerQueueOptions _viewerOptions;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    public StreamHub(ViewerQueueOptions viewerOptions, TimeProvider time, ILoggerFactory loggers)
    {
        _viewerOptions = viewerOptions;
        _time = time;
        _loggers = loggers;
    }

    public IEnumerable<LiveStream> Streams => _streams.Values.OrderBy(s => s.Name, StringComparer.Ordinal);

    public bool TryGet(string name, out LiveStream stream) => _streams.TryGetValue(name, out stream!);

    /// <summary>Adds a stream. The URL must already be validated with <see cref="RtspUrl.TryParse"/>.</summary>
    public LiveStream Add(string name, StreamOptions options)
    {
        if (!RtspUrl.TryParse(options.Url, out var url, out var error))
        {
            throw new ArgumentException($"stream '{name}': {error}", nameof(options));
        }

        var rtspOptions = new RtspClientOptions
        {
            ConnectTimeout = options.ConnectTimeout,
            MediaTimeout = options.MediaTimeout,
            Transport = RtspTransportNames.TryParse(options.Transport, out var transport)
                ? transport
                : throw new ArgumentException($"stream '{name}': Transport must be tcp, udp or auto", nameof(options)),
            AllowSelfSignedCertificate = options.AllowSelfSignedCertificate,
            CertificateThumbprint = options.CertificateThumbprint,
        };
        var sourceLogger = _loggers.CreateLogger("LiveMux.Rtsp." + name);
        var stream = new LiveStream(
            name,
            options,
            _viewerOptions,
            () => new RtspSource(url, rtspOptions, sourceLogger, _time),
            _time,
            _loggers.CreateLogger<LiveStream>());
        if (!_streams.TryAdd(name, stream))
        {
            throw new ArgumentException($"stream '{name}' already exists", nameof(name));
        }

        if (options.AlwaysOn)
        {
            stream.Start();
        }

        return stream;
    }

    /// <summary>Ends every viewer of every stream with a reason; camera sessions stay up until disposal.</summary>
    public void CloseViewers(string reason)
    {
        foreach (var stream in _streams.Values)
        {
            stream.CloseViewers(reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_streams.Values.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        _streams.Clear();
    }
}
