using LiveMux.Hub.Distribution;
using LiveMux.Hub.Sources;
using LiveMux.Hub.Sources.Publish;
using LiveMux.Hub.Timeline;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub;

/// <summary>
/// One configured stream: exactly one upstream session whatever the number of viewers, started by the
/// first viewer (or always on), stopped after an idle time, reconnected with backoff when the camera is
/// lost. Each sample is placed on the stream timeline once and shared by every subscription: the egresses
/// (MSE, RTSP, snapshots) subscribe to samples, each with its policy. A joining consumer gets the format and
/// the cached GOP at once.
/// </summary>
public sealed class LiveStream : IAsyncDisposable, ISampleSink
{
    private readonly Func<IStreamSource> _createSource;
    private readonly ViewerQueueOptions _viewerOptions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly GopCache<Sample> _gop;
    private readonly TrackSynchronizer _sync;

    private Subscription<Sample>[] _subscribers = [];
    private CancellationTokenSource? _runCts;
    private Task _runTask = Task.CompletedTask;
    private Task _stoppingRuns = Task.CompletedTask;
    private ITimer? _idleTimer;
    private bool _disposed;
    private string? _stopReason;
    private Func<ReceptionStats>? _reception;
    private IStreamSource? _source;
    private MediaFormat?[] _formats = [];
    private readonly PublishPoint? _publishPoint;

    internal LiveStream(string name, StreamOptions options, ViewerQueueOptions viewerOptions, Func<IStreamSource> createSource, TimeProvider time, ILogger logger, PublishPoint? publishPoint = null)
    {
        _publishPoint = publishPoint;
        Name = name;
        Options = options;
        _viewerOptions = viewerOptions;
        _createSource = createSource;
        _time = time;
        _logger = logger;
        Source = createSource().Description;
        _gop = new GopCache<Sample>(options.GopCacheMaxBytes);
        _sync = new TrackSynchronizer(name, options.TrackConfigTimeout, time, logger);
    }

    public string Name { get; }

    public StreamOptions Options { get; }

    /// <summary>The redacted upstream address.</summary>
    public string Source { get; }

    public StreamCounters Counters { get; } = new();

    public StreamState State { get; private set; } = StreamState.Idle;

    /// <summary>
    /// Where an RTSP publisher's session goes (ANNOUNCE/RECORD at this stream's name), for a stream with
    /// <see cref="StreamOptions.Publish"/>; null for every other stream.
    /// </summary>
    public LiveMux.Rtsp.Server.IRtspPublishTarget? PublishTarget => _publishPoint;

    /// <summary>The connected publisher of a publish stream (address, transport once recording, since when); null when none is.</summary>
    public PublisherInfo? Publisher => _publishPoint?.Publisher;

    /// <summary>The H.264 transcode of this stream for viewers that cannot play its video, when configured.</summary>
    public LiveStream? Fallback { get; internal set; }

    /// <summary>Why the camera was last lost, in detail (for admins: the API and the log), cleared when it is live again.</summary>
    public string? LastError { get; private set; }

    /// <summary>The same failure as <see cref="LastError"/>, told to viewers: no host, port, URL or banner (<see cref="SourceFailure"/>).</summary>
    public string? LastViewerError { get; private set; }

    /// <summary>The camera's tracks as the hub carries them (G.711 as G.711), once known.</summary>
    public StreamFormat? Format { get; private set; }

    /// <summary>
    /// Packet reception of the current session (transport, loss, jitter), or of the last one once it ended;
    /// null before the first session and for sources that receive no packets (ffmpeg).
    /// </summary>
    public ReceptionStats? Reception => Volatile.Read(ref _reception)?.Invoke();

    /// <summary>Viewers of every egress together (an egress that fans one subscription out counts its own).</summary>
    public int Viewers
    {
        get
        {
            var viewers = 0;
            foreach (var subscription in Volatile.Read(ref _subscribers))
            {
                viewers += subscription.Consumers;
            }

            return viewers;
        }
    }

    /// <summary>
    /// Adds a consumer of samples. It receives, in order: the state if not live, the format, the cached GOP, then
    /// live samples, under <paramref name="policy"/> with the viewer queue limits (or <paramref name="limits"/>).
    /// On a stopped stream the subscription is already closed with the reason it stopped.
    /// </summary>
    public Subscription<Sample> Subscribe(SubscriptionPolicy policy = SubscriptionPolicy.Live, ViewerQueueOptions? limits = null, int oneShotFrames = 0)
    {
        lock (_gate)
        {
            var subscription = new Subscription<Sample>(policy, limits ?? _viewerOptions, _time, Counters, Unsubscribe, oneShotFrames);
            if (_disposed)
            {
                // Looked up just before it was removed or replaced: the viewer hears why, as the others did.
                subscription.Close(_stopReason ?? "stream ended");
                return subscription;
            }

            if (State == StreamState.Reconnecting && LastViewerError is not null)
            {
                subscription.EnqueueControl(Delivery<Sample>.Status(new StreamEvent(StreamState.Reconnecting, LastViewerError)));
            }

            if (Format is { } format)
            {
                subscription.EnqueueControl(Delivery<Sample>.FormatChange(format));
                foreach (var item in _gop.Frames)
                {
                    subscription.EnqueueJoin(item);
                }
            }

            _subscribers = [.. _subscribers, subscription];
            _idleTimer?.Dispose();
            _idleTimer = null;
            HubLog.SubscriberJoined(_logger, Name, policy, Viewers);
            EnsureRunning();
            return subscription;
        }
    }

    private void Unsubscribe(Subscription<Sample> subscription)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_subscribers, subscription);
            if (index < 0)
            {
                return;
            }

            _subscribers = [.. _subscribers[..index], .. _subscribers[(index + 1)..]];
            HubLog.SubscriberLeft(_logger, Name, Viewers);
            if (subscription.CloseReason is { } reason)
            {
                HubLog.SubscriberClosed(_logger, Name, reason);
            }

            if (_subscribers.Length == 0 && !KeepsRunning && !_disposed)
            {
                _idleTimer?.Dispose();
                _idleTimer = _time.CreateTimer(_ => StopIfIdle(), null, Options.IdleTimeout, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Always on, or a publish stream: waiting for a publisher costs nothing, and a connected one fills the GOP cache for the first viewer.</summary>
    internal bool KeepsRunning => Options.AlwaysOn || Options.Publish;

    /// <summary>
    /// Asks the source for a keyframe soon, for a consumer that cannot wait for the next scheduled one (a
    /// snapshot, a recorder's segment, a WebRTC peer's PLI). Sources that cannot ask ignore it.
    /// </summary>
    public void RequestKeyframe() => Volatile.Read(ref _source)?.RequestKeyframe();

    /// <summary>Starts the upstream now, for always-on streams.</summary>
    public void Start()
    {
        lock (_gate)
        {
            EnsureRunning();
        }
    }

    private void EnsureRunning()
    {
        if (_runCts is not null || _disposed)
        {
            return;
        }

        _runCts = new CancellationTokenSource();
        State = StreamState.Starting;
        // The token, not the field: a stop may clear _runCts before the task begins.
        var token = _runCts.Token;
        _runTask = Task.Run(() => RunAsync(token));
    }

    private void StopIfIdle()
    {
        CancellationTokenSource? cts;
        lock (_gate)
        {
            if (_subscribers.Length > 0 || _runCts is null)
            {
                return;
            }

            cts = _runCts;
            _runCts = null;
            State = StreamState.Idle;
            _gop.Clear();

            // A viewer may start a new run before this one has sent its TEARDOWN; shutdown waits for both.
            var run = _runTask;
            _stoppingRuns = Task.WhenAll(_stoppingRuns, run.ContinueWith(_ => cts.Dispose(), TaskScheduler.Default));
        }

        HubLog.StoppedIdle(_logger, Name, Options.IdleTimeout.TotalSeconds);
        cts.Cancel();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        // The source's own logs (RTSP client, ffmpeg) know only a URL or a pid; the scope adds the stream
        // name to everything logged on this loop and the tasks it starts.
        using var scope = HubLog.StreamScope(_logger, Name);
        var backoff = new Backoff(Options.ReconnectInitialDelay, Options.ReconnectMaxDelay);
        while (!ct.IsCancellationRequested)
        {
            var source = _createSource();
            Volatile.Write(ref _source, source);
            HubLog.Starting(_logger, Name, source.Description);
            var startedAt = _time.GetTimestamp();
            string reason;
            string viewerReason;
            var minDelay = TimeSpan.Zero;
            try
            {
                await source.WaitForUpstreamAsync(this, ct).ConfigureAwait(false);
                Counters.CountSession();
                await source.RunAsync(this, ct).ConfigureAwait(false);
                if (ct.IsCancellationRequested || _publishPoint is null)
                {
                    return;
                }

                // The publisher left (or timed out): the next run waits for the next one at once, with no backoff.
                backoff.Reset();
                continue;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (StreamSourceException e)
            {
                reason = e.Message;
                viewerReason = e.ViewerReason;
                minDelay = e.MinRetryDelay;
            }
            catch (Exception e)
            {
                HubLog.SourceCrashed(_logger, Name, e);
                reason = "internal error: " + e.GetType().Name;
                viewerReason = SourceFailure.Internal;
            }

            // A session that ran for a while was a success; the next loss starts the backoff again.
            if (_time.GetElapsedTime(startedAt) > TimeSpan.FromSeconds(30))
            {
                backoff.Reset();
            }

            var delay = backoff.Next();
            if (delay < minDelay)
            {
                delay = minDelay;
            }

            Counters.CountReconnect();
            SetReconnecting(reason, viewerReason, ct);
            HubLog.Reconnecting(_logger, Name, reason, backoff.Attempts, (long)delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void SetReconnecting(string reason, string viewerReason, CancellationToken run)
    {
        lock (_gate)
        {
            // A run stopped for idleness must not speak for the run that replaced it.
            if (_runCts is null || _runCts.Token != run)
            {
                return;
            }

            State = StreamState.Reconnecting;
            LastError = reason;
            LastViewerError = viewerReason;
            Broadcast(new StreamEvent(StreamState.Reconnecting, viewerReason));
        }
    }

    void ISampleSink.OnWaiting(string reason)
    {
        lock (_gate)
        {
            if (_runCts is null || _disposed)
            {
                return;
            }

            State = StreamState.Reconnecting;
            LastError = reason;
            LastViewerError = reason;
            Broadcast(new StreamEvent(StreamState.Reconnecting, reason));
        }
    }

    void ISampleSink.OnSessionStarted(int trackCount)
    {
        _sync.StartSession(trackCount);
        _formats = new MediaFormat?[trackCount];
    }

    void ISampleSink.OnTrackFormat(int track, MediaFormat format)
    {
        if ((uint)track < (uint)_formats.Length)
        {
            _formats[track] = format;
        }
    }

    void ISampleSink.OnTrackConfig(int track, TrackConfig config)
    {
        if (_sync.OnTrackConfig(track, config))
        {
            UpdateFormat();
        }
    }

    void ISampleSink.OnReceptionStats(Func<ReceptionStats> read) => Volatile.Write(ref _reception, read);

    // A run stopped for idleness may end after its successor started: its snapshot must not hide the live session.
    void ISampleSink.OnReceptionEnded(Func<ReceptionStats> read, ReceptionStats last) =>
        Interlocked.CompareExchange(ref _reception, () => last, read);

    void ISampleSink.OnPacket(int bytes) => Counters.CountPacket(bytes);

    void ISampleSink.OnSenderReport(int track, RtcpSenderReport report) => _sync.OnSenderReport(track, report);

    void ISampleSink.OnDrop(DropReason reason)
    {
        Counters.CountIngestDrop(reason);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            HubLog.IngestDrop(_logger, Name, reason);
        }
    }

    /// <summary>
    /// Places a sample on the stream timeline (<see cref="TrackSynchronizer"/>: track choice, sender-report
    /// sync, continuity across reconnects) and shares it. Called on the source's one loop.
    /// </summary>
    void ISampleSink.OnSample(int track, TrackConfig config, Sample sample)
    {
        try
        {
            // Stamped first: the time it reached the hub, before any consumer's work.
            var received = ProducerReferenceTime.ToNtp(_time.GetUtcNow());
            Counters.CountFrame();
            if ((uint)track >= (uint)_sync.TrackCount)
            {
                return;
            }

            if (_sync.OnUnitConfig(track, config))
            {
                // Before the sample: the first frame after an SPS change needs the new format.
                UpdateFormat();
            }

            if (_sync.Place(track, config, sample.PresentationTime, sample.DecodeTime, sample.Duration, out var placed) != PlaceResult.Placed)
            {
                return;
            }

            sample.Place((long)placed.Dts, placed.CompositionOffset, (int)placed.Duration, received);
            var hasVideo = _sync.Tracks![0].Kind == TrackKind.Video;
            var startsGop = sample.IsKeyframe && (config.Kind == TrackKind.Video || !hasVideo);
            Publish(Delivery<Sample>.Media(sample, placed.Slot, startsGop));
        }
        finally
        {
            sample.Release();
        }
    }

    private void UpdateFormat()
    {
        var tracks = _sync.Tracks!;
        var format = new StreamFormat(tracks, [.. tracks.Select((_, slot) => _formats[_sync.SourceOf(slot)])]);
        lock (_gate)
        {
            Format = format;
            _gop.Clear();
            foreach (var subscriber in _subscribers)
            {
                subscriber.EnqueueControl(Delivery<Sample>.FormatChange(format));
            }
        }

        var video = format.Video;
        HubLog.FormatChanged(_logger, Name, format.Codecs, video?.Width ?? 0, video?.Height ?? 0);
    }

    private void Publish(in Delivery<Sample> item)
    {
        lock (_gate)
        {
            _gop.Add(item);

            foreach (var subscriber in _subscribers)
            {
                subscriber.EnqueueMedia(item);
            }

            if (State != StreamState.Live && _runCts is not null)
            {
                State = StreamState.Live;
                LastError = null;
                LastViewerError = null;
                Broadcast(new StreamEvent(StreamState.Live));
                var video = Format?.Video;
                HubLog.Live(_logger, Name, Format?.Codecs ?? "", video?.Width ?? 0, video?.Height ?? 0);
            }
        }
    }

    private void Broadcast(StreamEvent e)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.EnqueueControl(Delivery<Sample>.Status(e));
        }
    }

    /// <summary>Ends every current viewer with a reason, e.g. at shutdown, before the web server waits for them.</summary>
    public void CloseViewers(string reason)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Close(reason);
        }
    }

    /// <summary>Stops the upstream (TEARDOWN) and ends every viewer with a reason.</summary>
    public ValueTask DisposeAsync() => StopAsync("server shutting down");

    /// <summary>As <see cref="DisposeAsync"/>, telling the viewers <paramref name="reason"/>: the stream was removed or replaced.</summary>
    internal async ValueTask StopAsync(string reason)
    {
        CancellationTokenSource? cts;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stopReason = reason;
            _idleTimer?.Dispose();
            cts = _runCts;
            _runCts = null;
        }

        // Disposed: no viewer can join any more, so the current list is the final one.
        CloseViewers(reason);
        _publishPoint?.Close(reason);

        if (cts is not null)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            await _runTask.ConfigureAwait(false);
            cts.Dispose();
        }

        await _stoppingRuns.ConfigureAwait(false);

        lock (_gate)
        {
            _gop.Clear();
            State = StreamState.Idle;
        }
    }
}
