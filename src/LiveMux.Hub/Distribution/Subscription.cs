using System.Threading.Channels;
using LiveMux.Media.Formats;

namespace LiveMux.Hub.Distribution;

/// <summary>
/// One consumer's bounded queue, with its <see cref="SubscriptionPolicy"/>. The producer writes to it on its
/// media path and never waits: a consumer whose queue is full skips whole frames up to the next GOP start
/// (never part of a GOP, so it never sees a corrupt picture). A live one that keeps skipping is disconnected
/// with a reason; a reliable one is told where the gap is; a one-shot one ends after its frames.
/// </summary>
public sealed class Subscription<T> : IDisposable
    where T : class, ISharedFrame
{
    /// <summary>Status events and format changes a consumer may leave unread; a live one reads them in milliseconds.</summary>
    internal const int MaxQueuedControl = 64;

    private readonly Channel<Delivery<T>> _channel = Channel.CreateUnbounded<Delivery<T>>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    // Not disposed: the producer may cancel it on its media path while the consumer disposes the subscription,
    // and a source with no timer holds nothing that needs releasing.
    private readonly CancellationTokenSource _abandoned = new();
    private readonly SubscriptionPolicy _policy;
    private readonly ViewerQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly StreamCounters _counters;
    private readonly Action<Subscription<T>> _onDispose;
    private int _oneShotFramesLeft;
    private long _queuedBytes;
    private int _queuedControl;
    private int _queuedFrames;
    private int _consumers = 1;
    private bool _skipping;
    private bool _gapPending;
    private bool _awaitingKeyframe = true;
    private long _skippingSince;
    private int _disposed;

    /// <param name="oneShotFrames">For <see cref="SubscriptionPolicy.OneShot"/>: the frames after the join burst (or the first keyframe) it takes before it ends.</param>
    public Subscription(SubscriptionPolicy policy, ViewerQueueOptions options, TimeProvider time, StreamCounters counters, Action<Subscription<T>> onDispose, int oneShotFrames = 0)
    {
        _policy = policy;
        _options = options;
        _time = time;
        _counters = counters;
        _onDispose = onDispose;
        _oneShotFramesLeft = oneShotFrames;
    }

    public SubscriptionPolicy Policy => _policy;

    /// <summary>Why the producer ended this subscription, when it did.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>
    /// Cancelled when the producer disconnects this consumer for not reading. Its pending write to a socket
    /// may never complete (the socket's buffers are full, and the kernel keeps a zero-window connection open
    /// for as long as the peer acknowledges probes), so the consumer cancels the write, which aborts the
    /// connection, instead of waiting on it or on a graceful close.
    /// </summary>
    public CancellationToken Abandoned => _abandoned.Token;

    public int QueuedFrames => Volatile.Read(ref _queuedFrames);

    public long SkippedFrames { get; private set; }

    /// <summary>
    /// How many viewers this subscription serves: 1 for a viewer's own, the viewer count of an egress that
    /// fans one subscription out (the MSE muxer), for the stream's viewer count.
    /// </summary>
    public int Consumers
    {
        get => Volatile.Read(ref _consumers);
        set => Volatile.Write(ref _consumers, value);
    }

    /// <summary>Waits for the next item. Returns null when the subscription has ended.</summary>
    public async ValueTask<Delivery<T>?> ReadAsync(CancellationToken ct)
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
    private bool TryTake(out Delivery<T> item)
    {
        if (!_channel.Reader.TryRead(out item))
        {
            return false;
        }

        if (item.Frame is { } frame)
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            Interlocked.Decrement(ref _queuedFrames);
        }
        else
        {
            Interlocked.Decrement(ref _queuedControl);
        }

        return true;
    }

    /// <summary>Queues the join burst; these frames are always delivered, but counted like any queued frame.</summary>
    public void EnqueueJoin(in Delivery<T> item)
    {
        if (item.Frame is not { } frame)
        {
            EnqueueControl(item);
            return;
        }

        Interlocked.Add(ref _queuedBytes, frame.Length);
        Interlocked.Increment(ref _queuedFrames);
        if (item.StartsGop)
        {
            _awaitingKeyframe = false;
        }

        frame.AddReference();
        if (!_channel.Writer.TryWrite(item))
        {
            frame.Release();
        }
    }

    /// <summary>Queues a format change or a status message; these are always delivered.</summary>
    public void EnqueueControl(in Delivery<T> item)
    {
        if (item.Frame is not null)
        {
            throw new ArgumentException("a frame is media, not control", nameof(item));
        }

        if (Interlocked.Increment(ref _queuedControl) > MaxQueuedControl)
        {
            // Control items bypass the frame limits, and while a camera is down no media arrives to trip the
            // slow-consumer check: one that stopped reading would let them pile up for as long as the camera
            // keeps failing.
            Interlocked.Decrement(ref _queuedControl);
            _counters.CountViewerDrop(ViewerDropReason.Disconnected);
            Abandon("viewer not reading");
            return;
        }

        _channel.Writer.TryWrite(item);
    }

    /// <summary>Queues a frame, or skips it under the policy. Called on the producer's media path.</summary>
    public void EnqueueMedia(in Delivery<T> item)
    {
        var frame = item.Frame ?? throw new ArgumentException("not a frame", nameof(item));
        if (CloseReason is not null)
        {
            // Closed by the producer: the consumer has yet to notice, and nothing more is for it.
            return;
        }

        if (_awaitingKeyframe)
        {
            // Joined without a cached GOP (none yet, or too large to cache): frames before the next keyframe
            // cannot be decoded. Not a skip for being slow, so not counted as one.
            if (!item.StartsGop)
            {
                return;
            }

            _awaitingKeyframe = false;
        }
        else if (_policy == SubscriptionPolicy.OneShot && _oneShotFramesLeft-- <= 0)
        {
            Complete();
            return;
        }

        if (_skipping)
        {
            // Resume only on a keyframe, and only once the queue has drained well below the limit, so a
            // consumer on the edge does not flap between skipping and not.
            if (item.StartsGop && QueuedFrames <= _options.MaxQueuedFrames / 2 && Interlocked.Read(ref _queuedBytes) <= _options.MaxQueuedBytes / 2)
            {
                _skipping = false;
            }
            else
            {
                Skip();
                if (_policy != SubscriptionPolicy.Reliable && _time.GetElapsedTime(_skippingSince) > _options.SlowViewerTimeout)
                {
                    _counters.CountViewerDrop(ViewerDropReason.Disconnected);
                    Abandon($"viewer too slow: could not keep up for {_options.SlowViewerTimeout.TotalSeconds:0} s");
                }

                return;
            }
        }
        else if (QueuedFrames >= _options.MaxQueuedFrames || Interlocked.Read(ref _queuedBytes) + frame.Length > _options.MaxQueuedBytes)
        {
            _skipping = true;
            _gapPending = _policy == SubscriptionPolicy.Reliable;
            _skippingSince = _time.GetTimestamp();
            Skip();
            return;
        }

        var queued = item;
        if (_gapPending)
        {
            queued = item with { AfterGap = true };
            _gapPending = false;
        }

        Interlocked.Add(ref _queuedBytes, frame.Length);
        Interlocked.Increment(ref _queuedFrames);
        frame.AddReference();
        if (!_channel.Writer.TryWrite(queued))
        {
            frame.Release();
        }
    }

    private void Skip()
    {
        SkippedFrames++;
        _counters.CountViewerDrop(ViewerDropReason.SkippedToKeyframe);
    }

    /// <summary>Ends a one-shot subscription: what is queued is still read, then the end.</summary>
    private void Complete()
    {
        CloseReason ??= "complete";
        _channel.Writer.TryComplete();
    }

    /// <summary>Ends the subscription from the producer side; the reader sees the reason, then the end.</summary>
    public void Close(string reason)
    {
        CloseReason ??= reason;
        _channel.Writer.TryComplete();

        // The backlog of a consumer being closed is of no use to it: release it now, so the reader
        // sees the end (and the reason) at once instead of after seconds of stale frames.
        while (TryTake(out var item))
        {
            item.Frame?.Release();
        }
    }

    /// <summary>Closes a consumer that stopped reading, and cancels <see cref="Abandoned"/>.</summary>
    private void Abandon(string reason)
    {
        Close(reason);

        // Its callbacks abort a socket: on the thread pool, not on the media path that holds the producer's lock.
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
            item.Frame?.Release();
        }

        _onDispose(this);
    }
}
