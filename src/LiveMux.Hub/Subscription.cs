using System.Threading.Channels;

namespace LiveMux.Hub;

/// <summary>
/// One viewer's bounded queue. The stream writes to it on its media path and never waits: a viewer whose
/// queue is full skips whole frames up to the next keyframe (never part of a GOP, so it never sees a
/// corrupt picture), and one that keeps skipping is disconnected with a reason.
/// </summary>
public sealed class Subscription : IDisposable
{
    /// <summary>Status events and init segments a viewer may leave unread; a live one reads them in milliseconds.</summary>
    internal const int MaxQueuedControl = 64;

    private readonly Channel<ViewerItem> _channel = Channel.CreateUnbounded<ViewerItem>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    // Not disposed: the stream may cancel it on its media path while the endpoint disposes the subscription,
    // and a source with no timer holds nothing that needs releasing.
    private readonly CancellationTokenSource _abandoned = new();
    private readonly ViewerQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly StreamCounters _counters;
    private readonly Action<Subscription> _onDispose;
    private long _queuedBytes;
    private int _queuedControl;
    private int _queuedFrames;
    private bool _skipping;
    private bool _awaitingKeyframe = true;
    private long _skippingSince;
    private int _disposed;

    internal Subscription(ViewerQueueOptions options, TimeProvider time, StreamCounters counters, Action<Subscription> onDispose)
    {
        _options = options;
        _time = time;
        _counters = counters;
        _onDispose = onDispose;
    }

    /// <summary>Why the stream ended this subscription, when it did.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>
    /// Cancelled when the stream disconnects this viewer for not reading. The endpoint's pending write to it
    /// may never complete (its socket's buffers are full, and the kernel keeps a zero-window connection open
    /// for as long as the peer acknowledges probes), so the endpoint cancels the write, which aborts the
    /// connection, instead of waiting on it or on a graceful close.
    /// </summary>
    public CancellationToken Abandoned => _abandoned.Token;

    public int QueuedFrames => Volatile.Read(ref _queuedFrames);

    public long SkippedFrames { get; private set; }

    /// <summary>Waits for the next item. Returns false when the subscription has ended.</summary>
    public async ValueTask<ViewerItem?> ReadAsync(CancellationToken ct)
    {
        while (await _channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            if (TryTake(out var item))
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>Takes the next queued item, if any, and un-counts it from the queue limits.</summary>
    private bool TryTake(out ViewerItem item)
    {
        if (!_channel.Reader.TryRead(out item))
        {
            return false;
        }

        if (item.Fragment is { Kind: FragmentKind.Media } media)
        {
            Interlocked.Add(ref _queuedBytes, -media.Length);
            Interlocked.Decrement(ref _queuedFrames);
        }
        else
        {
            Interlocked.Decrement(ref _queuedControl);
        }

        return true;
    }

    /// <summary>Queues an init segment, a status message or the join burst; these are always delivered.</summary>
    internal void EnqueueControl(ViewerItem item)
    {
        if (item.Fragment is { Kind: FragmentKind.Media } media)
        {
            // The GOP burst a new viewer starts with: outside the skip policy, but counted like any queued frame.
            Interlocked.Add(ref _queuedBytes, media.Length);
            Interlocked.Increment(ref _queuedFrames);
            if (media.IsKeyframe)
            {
                _awaitingKeyframe = false;
            }
        }
        else if (Interlocked.Increment(ref _queuedControl) > MaxQueuedControl)
        {
            // Status events and init segments bypass the frame limits, and while a camera is down no
            // media arrives to trip the slow-viewer check: a viewer that stopped reading would let
            // them pile up for as long as the camera keeps failing.
            Interlocked.Decrement(ref _queuedControl);
            _counters.CountViewerDrop(ViewerDropReason.Disconnected);
            Abandon("viewer not reading");
            return;
        }

        item.Fragment?.AddReference();
        if (!_channel.Writer.TryWrite(item))
        {
            item.Fragment?.Release();
        }
    }

    /// <summary>Queues a media fragment, or skips it under the slow-viewer policy. Called on the stream's media path.</summary>
    internal void EnqueueMedia(Fragment fragment)
    {
        if (CloseReason is not null)
        {
            // Closed by the stream: the endpoint has yet to notice, and nothing more is for this viewer.
            return;
        }

        if (_awaitingKeyframe)
        {
            // Joined without a cached GOP (none yet, or too large to cache): frames before the next keyframe
            // cannot be decoded. Not a slow-viewer skip, so not counted as one.
            if (!fragment.IsKeyframe)
            {
                return;
            }

            _awaitingKeyframe = false;
        }

        if (_skipping)
        {
            // Resume only on a keyframe, and only once the queue has drained well below the limit, so a
            // viewer on the edge does not flap between skipping and not.
            if (fragment.IsKeyframe && QueuedFrames <= _options.MaxQueuedFrames / 2 && Interlocked.Read(ref _queuedBytes) <= _options.MaxQueuedBytes / 2)
            {
                _skipping = false;
            }
            else
            {
                Skip();
                if (_time.GetElapsedTime(_skippingSince) > _options.SlowViewerTimeout)
                {
                    _counters.CountViewerDrop(ViewerDropReason.Disconnected);
                    Abandon($"viewer too slow: could not keep up for {_options.SlowViewerTimeout.TotalSeconds:0} s");
                }

                return;
            }
        }
        else if (QueuedFrames >= _options.MaxQueuedFrames || Interlocked.Read(ref _queuedBytes) + fragment.Length > _options.MaxQueuedBytes)
        {
            _skipping = true;
            _skippingSince = _time.GetTimestamp();
            Skip();
            return;
        }

        Interlocked.Add(ref _queuedBytes, fragment.Length);
        Interlocked.Increment(ref _queuedFrames);
        fragment.AddReference();
        if (!_channel.Writer.TryWrite(new ViewerItem(fragment, null)))
        {
            fragment.Release();
        }
    }

    private void Skip()
    {
        SkippedFrames++;
        _counters.CountViewerDrop(ViewerDropReason.SkippedToKeyframe);
    }

    /// <summary>Ends the subscription from the stream side; the reader sees the reason, then the end.</summary>
    internal void Close(string reason)
    {
        CloseReason ??= reason;
        _channel.Writer.TryComplete();

        // The backlog of a viewer being closed is of no use to it: release it now, so the reader
        // sees the end (and the reason) at once instead of after seconds of stale frames.
        while (TryTake(out var item))
        {
            item.Fragment?.Release();
        }
    }

    /// <summary>Closes a viewer that stopped reading, and cancels <see cref="Abandoned"/>.</summary>
    private void Abandon(string reason)
    {
        Close(reason);

        // Its callbacks abort a socket: on the thread pool, not on the media path that holds the stream's lock.
        _ = _abandoned.CancelAsync();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _channel.Writer.TryComplete();
        while (_channel.Reader.TryRead(out var item))
        {
            item.Fragment?.Release();
        }

        _onDispose(this);
    }
}

/// <summary>One message for a viewer: a fragment (init or media) or a status event.</summary>
public readonly record struct ViewerItem(Fragment? Fragment, StreamEvent? Event);

/// <summary>
/// A state change viewers are told about: <see cref="StreamState.Reconnecting"/> with the viewers' reason, or
/// <see cref="StreamState.Live"/> again. Each egress says it in its own protocol (the WebSocket as a JSON status).
/// </summary>
public sealed record StreamEvent(StreamState State, string? Reason = null);
