using System.Collections.Concurrent;
using LiveMux.Hub.Sources;
using LiveMux.Hub.Sources.Ffmpeg;
using LiveMux.Hub.Sources.Publish;
using LiveMux.Rtsp;
using Microsoft.Extensions.Logging;
using LiveMux.Rtsp.Client;

namespace LiveMux.Hub;

/// <summary>The configured streams by name. Streams start on demand; always-on ones start with the hub.</summary>
public sealed class StreamHub : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, LiveStream> _streams = new(StringComparer.Ordinal);
    private readonly ViewerQueueOptions _viewerOptions;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly string _ffmpegPath;
    private readonly TranscodeFeed? _transcodeFeed;

    // Add, Remove and Replace each change a stream and its companion together.
    private readonly Lock _changes = new();
    private Task _retiring = Task.CompletedTask;

    /// <param name="ffmpegPath">The ffmpeg binary of every ffmpeg source and transcode; empty: <c>ffmpeg</c> on PATH.</param>
    /// <param name="transcodeFeed">What a transcode companion's ffmpeg reads (the MSE egress's fMP4); without it, no stream may have one.</param>
    public StreamHub(ViewerQueueOptions viewerOptions, TimeProvider time, ILoggerFactory loggers, string ffmpegPath = "", TranscodeFeed? transcodeFeed = null)
    {
        _ffmpegPath = ffmpegPath;
        _transcodeFeed = transcodeFeed;
        _viewerOptions = viewerOptions;
        _time = time;
        _loggers = loggers;
    }

    public IEnumerable<LiveStream> Streams => _streams.Values.OrderBy(s => s.Name, StringComparer.Ordinal);

    public bool TryGet(string name, out LiveStream stream) => _streams.TryGetValue(name, out stream!);

    /// <summary>
    /// Adds a stream: an RTSP camera (<see cref="StreamOptions.Url"/>, already validated with
    /// <see cref="RtspUrl.TryParse"/>), an ffmpeg process (<see cref="StreamOptions.Ffmpeg"/>) or an RTSP
    /// publisher's (<see cref="StreamOptions.Publish"/>, running from the start: it waits for the publisher), and its
    /// H.264 companion when <see cref="StreamOptions.TranscodeFallback"/> is set.
    /// </summary>
    public LiveStream Add(string name, StreamOptions options)
    {
        var (stream, companion) = Create(name, options);
        lock (_changes)
        {
            if (!_streams.TryAdd(name, stream))
            {
                throw new ArgumentException($"stream '{name}' already exists", nameof(name));
            }

            if (companion is not null)
            {
                _streams[companion.Name] = companion;
            }
        }

        if (stream.KeepsRunning)
        {
            stream.Start();
        }

        return stream;
    }

    /// <summary>
    /// Removes a stream and its H.264 companion: their viewers get <paramref name="reason"/> and are closed,
    /// the camera session is torn down. Other streams are untouched. False when there is no such stream
    /// (a companion is removed with its parent only).
    /// </summary>
    public async Task<bool> Remove(string name, string reason)
    {
        LiveStream? stream;
        lock (_changes)
        {
            if (IsCompanion(name) || !_streams.TryRemove(name, out stream))
            {
                return false;
            }

            if (stream.Fallback is { } companion)
            {
                _streams.TryRemove(new KeyValuePair<string, LiveStream>(companion.Name, companion));
            }
        }

        await RetireAsync(stream, reason).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Swaps a stream's settings: the new stream takes the name at once (a viewer that reconnects finds it),
    /// the old one's viewers get <paramref name="reason"/> and are closed, and its camera session is torn
    /// down before an always-on replacement starts, so a camera that allows one session is not refused.
    /// </summary>
    public async Task<LiveStream> Replace(string name, StreamOptions options, string reason)
    {
        var (stream, companion) = Create(name, options);
        LiveStream? old;
        lock (_changes)
        {
            if (IsCompanion(name) || !_streams.TryGetValue(name, out old))
            {
                throw new ArgumentException($"stream '{name}' does not exist", nameof(name));
            }

            _streams[name] = stream;
            if (old.Fallback is { } oldCompanion)
            {
                _streams.TryRemove(new KeyValuePair<string, LiveStream>(oldCompanion.Name, oldCompanion));
            }

            if (companion is not null)
            {
                _streams[companion.Name] = companion;
            }
        }

        await RetireAsync(old, reason).ConfigureAwait(false);
        if (stream.KeepsRunning)
        {
            stream.Start();
        }

        return stream;
    }

    private bool IsCompanion(string name) =>
        CompanionName.TryGetParent(name, out var parentName)
        && _streams.TryGetValue(parentName, out var parent)
        && parent.Fallback?.Name == name;

    private async Task RetireAsync(LiveStream stream, string reason)
    {
        var stopping = Task.WhenAll(
            stream.StopAsync(reason).AsTask(),
            stream.Fallback?.StopAsync(reason).AsTask() ?? Task.CompletedTask);
        lock (_changes)
        {
            _retiring = Task.WhenAll(_retiring, stopping);
        }

        await stopping.ConfigureAwait(false);
    }

    private (LiveStream Stream, LiveStream? Companion) Create(string name, StreamOptions options)
    {
        var point = options.Publish ? new PublishPoint(name, _time, _loggers.CreateLogger("LiveMux.Publish." + name)) : null;
        var stream = new LiveStream(name, options, _viewerOptions, CreateSource(name, options, point), _time, _loggers.CreateLogger<LiveStream>(), point);
        if (!options.TranscodeFallback)
        {
            return (stream, null);
        }

        var feed = _transcodeFeed ?? throw new InvalidOperationException("this hub has no transcode feed for a TranscodeFallback companion");
        var companionName = CompanionName.For(name);
        var ffmpeg = TranscodeFallback.Options();
        var logger = _loggers.CreateLogger("LiveMux.Ffmpeg." + companionName);
        var companion = new LiveStream(
            companionName,
            options with { AlwaysOn = false, TranscodeFallback = false, Url = "", Ffmpeg = ffmpeg, Publish = false, PublishPassword = null },
            _viewerOptions,
            () => new FfmpegSource(ffmpeg, TranscodeFallback.InputOptions, options.ConnectTimeout + options.MediaTimeout, options.MediaTimeout, logger, _time,
                (stdin, ct) => feed(stream, stdin, ct), $"ffmpeg: {name} transcoded to H.264", _ffmpegPath),
            _time,
            _loggers.CreateLogger<LiveStream>());
        stream.Fallback = companion;
        return (stream, companion);
    }

    private Func<IStreamSource> CreateSource(string name, StreamOptions options, PublishPoint? point)
    {
        if (point is not null)
        {
            return () => new PublishSource(point, options.MediaTimeout);
        }

        if (options.Ffmpeg is { Input.Length: > 0 } ffmpeg)
        {
            if (!FfmpegArguments.TryTokenize(ffmpeg.InputOptions, out var inputOptions, out var error))
            {
                throw new ArgumentException($"stream '{name}': Ffmpeg:InputOptions: {error}", nameof(options));
            }

            var logger = _loggers.CreateLogger("LiveMux.Ffmpeg." + name);
            return () => new FfmpegSource(ffmpeg, inputOptions, options.ConnectTimeout + options.MediaTimeout, options.MediaTimeout, logger, _time, ffmpegPath: _ffmpegPath);
        }

        if (!RtspUrl.TryParse(options.Url, out var url, out var urlError))
        {
            throw new ArgumentException($"stream '{name}': {urlError}", nameof(options));
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
        return () => new RtspSource(url, rtspOptions, sourceLogger, _time);
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
        Task retiring;
        lock (_changes)
        {
            retiring = _retiring;
        }

        await Task.WhenAll(_streams.Values.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        await retiring.ConfigureAwait(false);
        _streams.Clear();
    }
}
