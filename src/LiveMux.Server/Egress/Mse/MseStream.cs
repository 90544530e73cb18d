using LiveMux.Hub;
using LiveMux.Hub.Distribution;
using LiveMux.Media.Formats;

namespace LiveMux.Server.Egress.Mse;

/// <summary>
/// The MSE egress of one stream: while it has viewers it holds one reliable subscription to the stream's
/// samples, muxes each into one fragment (<see cref="MseMuxer"/>) and shares it by reference with every viewer
/// queue and its own GOP cache. A joining viewer gets the state, the format and the cached GOP at once; each
/// viewer queue has the live policy.
/// </summary>
internal sealed class MseStream(LiveStream stream, ViewerQueueOptions viewerOptions, TimeProvider time, ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly GopCache<Fragment> _gop = new(stream.Options.GopCacheMaxBytes);
    private Subscription<Fragment>[] _viewers = [];
    private Subscription<Sample>? _upstream;
    private StreamFormat? _format;
    private StreamEvent? _status;

    public LiveStream Stream => stream;

    public int Viewers => Volatile.Read(ref _viewers).Length;

    /// <summary>The tracks MSE viewers get now (FLAC for G.711, a silent audio track left out); null until known.</summary>
    public StreamFormat? Format => Volatile.Read(ref _format);

    /// <summary>
    /// Adds a viewer. It receives, in order: the state if not live, the format, the cached GOP, then live
    /// fragments. When the stream has stopped, the subscription ends at once with the reason.
    /// </summary>
    public Subscription<Fragment> Subscribe()
    {
        lock (_gate)
        {
            var viewer = new Subscription<Fragment>(SubscriptionPolicy.Live, viewerOptions, time, stream.Counters, Unsubscribe);
            if (_status is { } status)
            {
                viewer.EnqueueControl(Delivery<Fragment>.Status(status));
            }

            if (_format is { } format)
            {
                viewer.EnqueueControl(Delivery<Fragment>.FormatChange(format));
                foreach (var item in _gop.Frames)
                {
                    viewer.EnqueueJoin(item);
                }
            }

            _viewers = [.. _viewers, viewer];
            MseLog.ViewerJoined(logger, stream.Name, _viewers.Length);
            if (_upstream is null)
            {
                // The muxer never skips inside a GOP and is not disconnected for being slow: its queue is the
                // viewers' limits times four, for a thread pool that stalls.
                var limits = viewerOptions with { MaxQueuedFrames = viewerOptions.MaxQueuedFrames * 4, MaxQueuedBytes = viewerOptions.MaxQueuedBytes * 4 };
                var upstream = stream.Subscribe(SubscriptionPolicy.Reliable, limits);
                _upstream = upstream;
                var muxer = new MseMuxer(stream.Name, stream.Options.TrackConfigTimeout, time, logger);
                _ = Task.Run(() => PumpAsync(upstream, muxer));
            }

            _upstream.Consumers = _viewers.Length;
            return viewer;
        }
    }

    private void Unsubscribe(Subscription<Fragment> viewer)
    {
        Subscription<Sample>? stop = null;
        lock (_gate)
        {
            var index = Array.IndexOf(_viewers, viewer);
            if (index < 0)
            {
                return;
            }

            _viewers = [.. _viewers[..index], .. _viewers[(index + 1)..]];
            MseLog.ViewerLeft(logger, stream.Name, _viewers.Length);
            if (viewer.CloseReason is { } reason)
            {
                MseLog.ViewerClosed(logger, stream.Name, reason);
            }

            if (_upstream is { } upstream)
            {
                upstream.Consumers = _viewers.Length;
                if (_viewers.Length == 0)
                {
                    // The last viewer left: the stream's idle timer takes it from here.
                    stop = upstream;
                    Reset();
                }
            }
        }

        stop?.Dispose();
    }

    private async Task PumpAsync(Subscription<Sample> upstream, MseMuxer muxer)
    {
        try
        {
            while (await upstream.ReadAsync(CancellationToken.None).ConfigureAwait(false) is { } item)
            {
                try
                {
                    Relay(upstream, muxer, item);
                }
                finally
                {
                    item.Frame?.Release();
                }
            }
        }
        catch (Exception e)
        {
            MseLog.MuxerFailed(logger, stream.Name, e);
            upstream.Close("internal error");
        }

        // The stream ended this subscription (stopped, removed, shutting down), or the muxer failed: its viewers
        // end with the reason. A subscription the last viewer gave up needs nothing more.
        Subscription<Fragment>[] viewers;
        lock (_gate)
        {
            if (!ReferenceEquals(_upstream, upstream))
            {
                return;
            }

            viewers = _viewers;
            _viewers = [];
            Reset();
        }

        var reason = upstream.CloseReason ?? "stream ended";
        foreach (var viewer in viewers)
        {
            viewer.Close(reason);
        }

        upstream.Dispose();
    }

    private void Relay(Subscription<Sample> upstream, MseMuxer muxer, in Delivery<Sample> item)
    {
        if (item.Event is { } e)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_upstream, upstream))
                {
                    _status = e.State == StreamState.Live ? null : e;
                    Broadcast(Delivery<Fragment>.Status(e));
                }
            }

            return;
        }

        if (item.Format is { } source)
        {
            ChangeFormat(upstream, muxer.OnFormat(source));
            return;
        }

        var fragment = muxer.Mux(item, out var changed);
        if (changed is not null)
        {
            ChangeFormat(upstream, changed);
        }

        if (fragment is null)
        {
            return;
        }

        var media = Delivery<Fragment>.Media(fragment, fragment.TrackIndex, item.StartsGop);
        lock (_gate)
        {
            if (ReferenceEquals(_upstream, upstream))
            {
                _gop.Add(media);
                foreach (var viewer in _viewers)
                {
                    viewer.EnqueueMedia(media);
                }
            }
        }

        fragment.Release();
    }

    private void ChangeFormat(Subscription<Sample> upstream, StreamFormat format)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_upstream, upstream))
            {
                Volatile.Write(ref _format, format);
                _gop.Clear();
                Broadcast(Delivery<Fragment>.FormatChange(format));
            }
        }
    }

    private void Broadcast(in Delivery<Fragment> item)
    {
        foreach (var viewer in _viewers)
        {
            viewer.EnqueueControl(item);
        }
    }

    /// <summary>Forgets the session's state; the next viewer subscribes to the stream afresh. Under the lock.</summary>
    private void Reset()
    {
        _upstream = null;
        _gop.Clear();
        Volatile.Write(ref _format, null);
        _status = null;
    }
}
