using System.Buffers.Binary;
using LiveMux.Hub.Distribution;
using LiveMux.Hub.Tests.Infrastructure;
using LiveMux.Media.Formats;

namespace LiveMux.Hub.Tests.Distribution;

/// <summary>
/// The slow-viewer policy of one viewer queue: bounded by frames and bytes, whole frames skipped up to a
/// keyframe, resumption only once drained to half (hysteresis), disconnection after a timeout.
/// </summary>
public sealed class SubscriptionTests
{
    // Script: K = keyframe, P = other frame (ids count up from 0), R = the viewer reads one message.
    public static TheoryData<string, int, int, int, string, int> Policy => new()
    {
        // script, max frames, max bytes, frame bytes, delivered ids (in order), skipped
        { "K P P R R P P", 100, 1 << 20, 100, "0 1 2 3 4", 0 },
        { "K P P P P P K R R K P", 4, 1 << 20, 100, "0 1 2 3 7 8", 3 },

        // Drained to 3 of 4, not to half: the keyframe is skipped as well.
        { "K P P P P R K P K", 4, 1 << 20, 100, "0 1 2 3", 4 },

        // The overflowing frame is itself a keyframe: skipped, and the next keyframe resumes.
        { "K P K R R P K", 2, 1 << 20, 100, "0 1 4", 2 },

        // Byte limit: 3 x 300 fit in 1000, a fourth does not; resumes when 300 <= 500 are queued.
        { "K P P P R R K P", 100, 1000, 300, "0 1 2 4 5", 1 },

        // Byte limit, not drained below half (600 > 500): the keyframe is skipped.
        { "K P P P R K P R R K", 100, 1000, 300, "0 1 2 6", 3 },
    };

    [Theory]
    [MemberData(nameof(Policy))]
    public void Queue_skips_whole_frames_to_a_keyframe_with_hysteresis(string script, int maxFrames, int maxBytes, int frameBytes, string expected, int skipped)
    {
        var time = new TestTime();
        var counters = new StreamCounters();
        var options = new ViewerQueueOptions { MaxQueuedFrames = maxFrames, MaxQueuedBytes = maxBytes, SlowViewerTimeout = TimeSpan.FromHours(1) };
        using var subscription = new Subscription<Sample>(SubscriptionPolicy.Live, options, time, counters, _ => { });
        var delivered = new List<(int Id, bool Key)>();
        var id = 0;
        foreach (var op in script.Split(' '))
        {
            switch (op)
            {
                case "R":
                    delivered.Add(ReadNow(subscription));
                    break;
                default:
                    var fragment = Media(id++, op == "K", frameBytes);
                    subscription.EnqueueMedia(Item(fragment));
                    fragment.Release();
                    break;
            }
        }

        while (subscription.QueuedFrames > 0)
        {
            delivered.Add(ReadNow(subscription));
        }

        Assert.Equal(expected, string.Join(" ", delivered.Select(d => d.Id)));
        Assert.Equal(skipped, subscription.SkippedFrames);
        Assert.Equal(skipped, counters.Drops().GetValueOrDefault("SkippedToKeyframe"));
        Assert.False(counters.Drops().ContainsKey("Disconnected"));
        for (var i = 1; i < delivered.Count; i++)
        {
            if (delivered[i].Id != delivered[i - 1].Id + 1)
            {
                Assert.True(delivered[i].Key, $"frame {delivered[i].Id} follows a skip but is not a keyframe");
            }
        }
    }

    [Fact]
    public void A_viewer_that_keeps_skipping_past_the_timeout_is_closed_once_with_a_reason()
    {
        var time = new TestTime();
        var counters = new StreamCounters();
        var options = new ViewerQueueOptions { MaxQueuedFrames = 2, SlowViewerTimeout = TimeSpan.FromSeconds(10) };
        using var subscription = new Subscription<Sample>(SubscriptionPolicy.Live, options, time, counters, _ => { });
        Enqueue(subscription, 0, true);
        Enqueue(subscription, 1, false);
        Enqueue(subscription, 2, false); // starts skipping
        time.Advance(TimeSpan.FromSeconds(9));
        Enqueue(subscription, 3, true);
        Assert.Null(subscription.CloseReason);
        Assert.False(subscription.Abandoned.IsCancellationRequested);

        time.Advance(TimeSpan.FromSeconds(2));
        Enqueue(subscription, 4, false);
        Assert.Contains("too slow", subscription.CloseReason);

        // The endpoint's write to this viewer may never complete: it is told to give up on it (off the media path).
        Assert.True(subscription.Abandoned.WaitHandle.WaitOne(TimeSpan.FromSeconds(5)), "not abandoned");
        Assert.Contains("10 s", subscription.CloseReason);
        Assert.Equal(1, counters.Drops()["Disconnected"]);

        // Frames keep coming until the endpoint notices: the viewer is disconnected once, not once per frame.
        Enqueue(subscription, 5, false);
        Enqueue(subscription, 6, true);
        Assert.Equal(1, counters.Drops()["Disconnected"]);

        // The stale backlog is released at the close: the reader sees the end at once.
        Assert.Equal(0, subscription.QueuedFrames);
        Assert.Null(TakeNow(subscription));
    }

    [Fact]
    public void A_viewer_that_leaves_status_events_unread_is_closed_not_buffered_forever()
    {
        var counters = new StreamCounters();
        using var reading = new Subscription<Sample>(SubscriptionPolicy.Live, new ViewerQueueOptions(), new TestTime(), counters, _ => { });
        using var stuck = new Subscription<Sample>(SubscriptionPolicy.Live, new ViewerQueueOptions(), new TestTime(), counters, _ => { });
        var reconnecting = Delivery<Sample>.Status(new StreamEvent(StreamState.Reconnecting, "connection refused"));

        for (var i = 0; i < Subscription<Sample>.MaxQueuedControl; i++)
        {
            stuck.EnqueueControl(reconnecting);
            reading.EnqueueControl(reconnecting);
            Assert.NotNull(TakeNow(reading));
        }

        Assert.Null(stuck.CloseReason);
        stuck.EnqueueControl(reconnecting);
        Assert.Equal("viewer not reading", stuck.CloseReason);
        Assert.True(stuck.Abandoned.WaitHandle.WaitOne(TimeSpan.FromSeconds(5)), "not abandoned");
        Assert.Equal(1, counters.Drops()["Disconnected"]);
        Assert.Null(TakeNow(stuck)); // its backlog was released with the close

        // A viewer that reads as events come is never closed, however long the camera keeps failing.
        for (var i = 0; i < 10 * Subscription<Sample>.MaxQueuedControl; i++)
        {
            reading.EnqueueControl(reconnecting);
            Assert.NotNull(TakeNow(reading));
        }

        Assert.Null(reading.CloseReason);
        Assert.False(reading.Abandoned.IsCancellationRequested);
    }

    [Fact]
    public void A_viewer_closed_by_the_stream_is_told_why_not_abandoned()
    {
        // Shutdown or a removed stream: the viewer is still reading, so it gets the reason and a proper close.
        using var subscription = new Subscription<Sample>(SubscriptionPolicy.Live, new ViewerQueueOptions(), new TestTime(), new StreamCounters(), _ => { });
        Enqueue(subscription, 0, true);
        subscription.Close("server shutting down");
        Assert.Equal("server shutting down", subscription.CloseReason);
        Assert.False(subscription.Abandoned.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void The_slow_viewer_timeout_counts_from_the_start_of_the_current_skip()
    {
        var time = new TestTime();
        var counters = new StreamCounters();
        var options = new ViewerQueueOptions { MaxQueuedFrames = 2, SlowViewerTimeout = TimeSpan.FromSeconds(10) };
        using var subscription = new Subscription<Sample>(SubscriptionPolicy.Live, options, time, counters, _ => { });
        Enqueue(subscription, 0, true);
        Enqueue(subscription, 1, false);
        Enqueue(subscription, 2, false); // skip 1 starts at t=0
        time.Advance(TimeSpan.FromSeconds(8));
        ReadNow(subscription);
        ReadNow(subscription);
        Enqueue(subscription, 3, true); // resumes
        Enqueue(subscription, 4, false);
        Enqueue(subscription, 5, false); // skip 2 starts at t=8
        time.Advance(TimeSpan.FromSeconds(8));
        Enqueue(subscription, 6, false);
        Assert.Null(subscription.CloseReason);
        time.Advance(TimeSpan.FromSeconds(3));
        Enqueue(subscription, 7, false);
        Assert.NotNull(subscription.CloseReason);
    }

    [Fact]
    public void Control_items_bypass_the_limits()
    {
        var options = new ViewerQueueOptions { MaxQueuedFrames = 2 };
        using var subscription = new Subscription<Sample>(SubscriptionPolicy.Live, options, new TestTime(), new StreamCounters(), _ => { });
        var fragments = Enumerable.Range(0, 5).Select(i => Media(i, i == 0, 100)).ToArray();
        foreach (var f in fragments)
        {
            subscription.EnqueueJoin(Item(f)); // the join burst
        }

        Assert.Equal(5, subscription.QueuedFrames);

        // Past the limit, so live frames are skipped.
        var live = Media(5, false, 100);
        subscription.EnqueueMedia(Item(live));
        Assert.Equal(1, subscription.SkippedFrames);
        Assert.Equal(1, live.References);
    }

    [Fact]
    public void Dispose_releases_every_queued_fragment_and_unsubscribes_once()
    {
        var unsubscribed = 0;
        var subscription = new Subscription<Sample>(SubscriptionPolicy.Live, new ViewerQueueOptions(), new TestTime(), new StreamCounters(), _ => unsubscribed++);
        var frames = Enumerable.Range(0, 4).Select(i => Media(i, i == 0, 100)).ToArray();
        subscription.EnqueueJoin(Item(frames[0]));
        foreach (var f in frames[1..])
        {
            subscription.EnqueueMedia(Item(f));
        }

        subscription.EnqueueControl(Delivery<Sample>.Status(new StreamEvent(StreamState.Live)));
        Assert.All(frames, f => Assert.Equal(2, f.References));

        // A fragment the viewer has read is its own to release.
        var read = TakeNow(subscription)!.Value.Frame!;
        Assert.Same(frames[0], read);
        read.Release();

        subscription.Dispose();
        subscription.Dispose();
        Assert.Equal(1, unsubscribed);
        Assert.All(frames, f => Assert.Equal(1, f.References));
        foreach (var f in frames)
        {
            f.Release();
            Assert.Equal(0, f.References);
            Assert.Throws<ObjectDisposedException>(() => f.Memory);
        }

        // After disposal nothing is held.
        var late = Media(9, true, 100);
        subscription.EnqueueMedia(Item(late));
        Assert.Equal(1, late.References);
    }

    [Fact]
    public void A_reliable_subscription_skips_to_a_keyframe_when_full_marks_the_gap_and_is_never_disconnected()
    {
        var time = new TestTime();
        var counters = new StreamCounters();
        var options = new ViewerQueueOptions { MaxQueuedFrames = 2, SlowViewerTimeout = TimeSpan.FromSeconds(1) };
        using var subscription = new Subscription<Sample>(SubscriptionPolicy.Reliable, options, time, counters, _ => { });
        Enqueue(subscription, 0, true);
        Enqueue(subscription, 1, false);
        Enqueue(subscription, 2, false); // full: skipping starts
        time.Advance(TimeSpan.FromMinutes(5)); // far past the live timeout
        Enqueue(subscription, 3, false);
        Assert.Null(subscription.CloseReason);
        Assert.False(subscription.Abandoned.IsCancellationRequested);

        var first = TakeNow(subscription)!.Value;
        var second = TakeNow(subscription)!.Value;
        Assert.False(first.AfterGap || second.AfterGap);
        first.Frame!.Release();
        second.Frame!.Release();

        // Drained: the next keyframe resumes, marked as the first frame after a gap, and only it.
        Enqueue(subscription, 4, true);
        Enqueue(subscription, 5, false);
        var resumed = TakeNow(subscription)!.Value;
        var next = TakeNow(subscription)!.Value;
        Assert.Equal((4, true), (BinaryPrimitives.ReadInt32BigEndian(resumed.Frame!.Data), resumed.AfterGap));
        Assert.False(next.AfterGap);
        resumed.Frame.Release();
        next.Frame!.Release();
        Assert.Equal(2, subscription.SkippedFrames);
        Assert.False(counters.Drops().ContainsKey("Disconnected"));
    }

    [Fact]
    public void A_one_shot_subscription_takes_the_join_burst_and_its_frames_then_ends_with_them_still_readable()
    {
        using var subscription = new Subscription<Sample>(SubscriptionPolicy.OneShot, new ViewerQueueOptions(), new TestTime(), new StreamCounters(), _ => { }, oneShotFrames: 2);
        var gop = new[] { Media(0, true, 100), Media(1, false, 100) };
        foreach (var f in gop)
        {
            subscription.EnqueueJoin(Item(f));
            f.Release();
        }

        for (var id = 2; id < 6; id++)
        {
            Enqueue(subscription, id, false);
        }

        var ids = new List<int>();
        while (TakeNow(subscription) is { } item)
        {
            ids.Add(BinaryPrimitives.ReadInt32BigEndian(item.Frame!.Data));
            item.Frame.Release();
        }

        Assert.Equal([0, 1, 2, 3], ids);
        Assert.Equal("complete", subscription.CloseReason);
    }

    [Fact]
    public void A_one_shot_subscription_without_a_cached_gop_starts_at_the_next_keyframe()
    {
        using var subscription = new Subscription<Sample>(SubscriptionPolicy.OneShot, new ViewerQueueOptions(), new TestTime(), new StreamCounters(), _ => { }, oneShotFrames: 1);
        Enqueue(subscription, 0, false);
        Enqueue(subscription, 1, true);
        Enqueue(subscription, 2, false);
        Enqueue(subscription, 3, false);
        Assert.Equal((1, true), ReadNow(subscription));
        Assert.Equal((2, false), ReadNow(subscription));
        Assert.Null(TakeNow(subscription));
    }

    private static Delivery<Sample> Item(Sample sample) => Delivery<Sample>.Media(sample, 0, sample.IsKeyframe);

    private static void Enqueue(Subscription<Sample> subscription, int id, bool keyframe)
    {
        var fragment = Media(id, keyframe, 100);
        subscription.EnqueueMedia(Item(fragment));
        fragment.Release();
    }

    private static Sample Media(int id, bool keyframe, int length)
    {
        var fragment = Sample.Rent(length, 0, 0, 0, keyframe, out var buffer);
        BinaryPrimitives.WriteInt32BigEndian(buffer, id);
        return fragment;
    }

    private static (int Id, bool Key) ReadNow(Subscription<Sample> subscription)
    {
        var fragment = TakeNow(subscription)!.Value.Frame!;
        var result = (BinaryPrimitives.ReadInt32BigEndian(fragment.Memory.Span), fragment.IsKeyframe);
        fragment.Release();
        return result;
    }

    /// <summary>The next item when one is queued (or the end), without waiting.</summary>
    private static Delivery<Sample>? TakeNow(Subscription<Sample> subscription)
    {
        var pending = subscription.ReadAsync(CancellationToken.None);
        if (pending.IsCompleted)
        {
            return pending.Result;
        }

        throw new InvalidOperationException("nothing queued");
    }
}
