using System.Globalization;
using LiveMux.Hub;
using LiveMux.Hub.Distribution;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Server;

namespace LiveMux.Server.Egress.Rtsp;

/// <summary>
/// One stream as RTSP media: one live subscription to its samples, each track packetized once by its typed format
/// (<see cref="RtpEgress"/>: the camera's own codec, SDP and parameter sets) into a <see cref="ServerStream"/>,
/// which keeps the GOP for instant joins and gives every RTSP client its own live queue. The media appears with the
/// stream's first format and is replaced when its codecs change (the old one ends, and its clients are closed).
/// Each frame carries its time on the stream's one timeline as wall-clock NTP, for the sessions' sender reports.
/// </summary>
internal sealed class RtspEgress(LiveStream stream, TimeProvider time, ILogger logger, Action<ServerStream>? onMount = null) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _mounted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _running = Task.CompletedTask;
    private Mount? _mount;
    private Subscription<Sample>? _subscription;
    private int _consumers = 1;

    /// <summary>Completes once the stream has media (its first format has come); cancelled if it ends first.</summary>
    public Task Mounted => _mounted.Task;

    /// <summary>The media clients get now; null before the first format.</summary>
    public ServerStream? Current => Volatile.Read(ref _mount)?.Stream;

    /// <summary>The RTSP clients this egress serves, counted as the stream's viewers (idle stop, the API).</summary>
    public int Consumers
    {
        get => Volatile.Read(ref _consumers);
        set
        {
            Volatile.Write(ref _consumers, value);
            if (Volatile.Read(ref _subscription) is { } subscription)
            {
                subscription.Consumers = value;
            }
        }
    }

    public void Start() => _running = Task.Run(() => RunAsync(_stopping.Token));

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var subscription = stream.Subscribe(SubscriptionPolicy.Live);
                subscription.Consumers = Consumers;
                Volatile.Write(ref _subscription, subscription);
                while (await subscription.ReadAsync(ct).ConfigureAwait(false) is { } item)
                {
                    try
                    {
                        Relay(item);
                    }
                    finally
                    {
                        item.Frame?.Release();
                    }
                }

                if (!subscription.Abandoned.IsCancellationRequested)
                {
                    // The stream ended (removed, shutting down): nothing more will come.
                    RtspEgressLog.Ended(logger, stream.Name, subscription.CloseReason ?? "stream ended");
                    _mount?.Stream.End(subscription.CloseReason ?? "the stream ended");
                    return;
                }

                // Too slow to keep up (a stalled thread pool): start again from the stream's GOP.
                RtspEgressLog.Resubscribing(logger, stream.Name, subscription.CloseReason ?? "");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            RtspEgressLog.Failed(logger, stream.Name, e);
        }
        finally
        {
            _mounted.TrySetCanceled(CancellationToken.None);
        }
    }

    private void Relay(in Delivery<Sample> item)
    {
        if (item.Format is { } format)
        {
            OnFormat(format);
            return;
        }

        if (item.Frame is not { } sample || _mount is not { } mount || (uint)item.Track >= (uint)mount.Egresses.Length
            || mount.Egresses[item.Track] is not { } egress)
        {
            return;
        }

        RtpFrame frame;
        try
        {
            // RTP carries the presentation time; the hub's timeline keeps it continuous across camera reconnects. It
            // is in the track's timescale, which need not be the RTP clock (ffmpeg's MP4 video: 15360 Hz, 1000 Hz...).
            var timescale = mount.Timescales[item.Track];
            var sinceZero = unchecked((ulong)RtpClock.ToNtp(sample.PresentationTime, timescale));
            if (mount.NtpBase == 0)
            {
                mount.NtpBase = unchecked(ProducerReferenceTime.ToNtp(time.GetUtcNow()) - sinceZero);
            }

            var ntp = unchecked(mount.NtpBase + sinceZero);
            var timestamp = RtpClock.Rescale(sample.PresentationTime, timescale, egress.Format.ClockRate);
            // Each track starts at its own keyframe (every audio frame is one): StartsGop would hold audio back for good.
            frame = egress.Packetize(sample.Data, timestamp, sample.IsKeyframe, ntp);
        }
        catch (ArgumentException e)
        {
            RtspEgressLog.Refused(logger, stream.Name, item.Track, e.Message);
            return;
        }

        mount.Stream.WriteFrame(mount.Slots[item.Track], frame);
    }

    /// <summary>Mounts the stream's tracks that have a typed format; the same codecs keep the mount (and its clients).</summary>
    private void OnFormat(StreamFormat format)
    {
        var codecs = string.Join(",", Enumerable.Range(0, format.Tracks.Count).Select(i => format.FormatOf(i)?.EncodingName ?? "-"));
        if (_mount is { } current && current.Codecs == codecs)
        {
            // The hub's timeline moves to a returning source's timescale; the RTP clock stays.
            for (var i = 0; i < current.Timescales.Length; i++)
            {
                current.Timescales[i] = format.Tracks[i].Timescale;
            }

            return;
        }

        var egresses = new RtpEgress?[format.Tracks.Count];
        var slots = new int[format.Tracks.Count];
        var tracks = new List<RtspTrack>();
        for (var i = 0; i < egresses.Length; i++)
        {
            if (format.FormatOf(i) is not { } typed)
            {
                RtspEgressLog.NoFormat(logger, stream.Name, i, format.Tracks[i].Codec);
                continue;
            }

            IReadOnlyList<string>? attributes = format.Tracks[i].Kind == TrackKind.Video && format.Tracks[i].FrameRate is { } fps
                ? [string.Create(CultureInfo.InvariantCulture, $"framerate:{fps:0.###}")]
                : null;
            egresses[i] = new RtpEgress(typed, new RtpEgressOptions { SdpAttributes = attributes ?? [] });
            slots[i] = tracks.Count;
            tracks.Add(egresses[i]!.Track);
        }

        if (tracks.Count == 0)
        {
            return;
        }

        var timescales = format.Tracks.Select(t => t.Timescale).ToArray();
        var mount = new Mount(codecs, new ServerStream(tracks, stream.Options.GopCacheMaxBytes), egresses, slots, timescales);
        var previous = _mount;
        Volatile.Write(ref _mount, mount);
        onMount?.Invoke(mount.Stream);
        previous?.Stream.End("the stream's codecs changed");
        _mounted.TrySetResult();
        RtspEgressLog.Mounted(logger, stream.Name, codecs);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        _mount?.Stream.End("the stream is no longer served over RTSP");
        _stopping.Dispose();
    }

    /// <summary>
    /// One mount: the codecs it was made for, its server stream, each stream track's egress, server track and timescale
    /// (the clock of its samples' times), and the wall-clock time (NTP) of the timeline's zero, fixed by its first frame.
    /// </summary>
    private sealed record Mount(string Codecs, ServerStream Stream, RtpEgress?[] Egresses, int[] Slots, int[] Timescales)
    {
        public ulong NtpBase { get; set; }
    }
}
