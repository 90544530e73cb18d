using LiveMux.Hub.Tests.Infrastructure;
using LiveMux.Media.Formats;
using static LiveMux.Hub.Tests.Infrastructure.StreamFixture;

namespace LiveMux.Hub.Tests.Distribution;

/// <summary>A joining viewer starts from the cached GOP: init, the frames since the last keyframe, then live.</summary>
public sealed class GopCacheTests
{
    [Fact]
    public async Task A_viewer_joining_mid_gop_gets_init_then_the_gop_then_live_frames_without_gaps_or_duplicates()
    {
        await using var f = new StreamFixture();
        using var first = f.Join();
        var session = await f.Camera.NextSessionAsync();
        session.Push(f.Small, 0, true, Ts(0));
        session.Push(f.Small, 1, false, Ts(1));
        session.Push(f.Small, 2, false, Ts(2));

        using var second = f.Join();
        Assert.Equal("init:320x240 K0 P1 P2", second.DrainText());
        session.Push(f.Small, 3, false, Ts(3));
        session.Push(f.Small, 4, true, Ts(4));
        session.Push(f.Small, 5, false, Ts(5));
        Assert.Equal("P3 K4 P5", second.DrainText());
        Assert.Equal("init:320x240 K0 status:live P1 P2 P3 K4 P5", first.DrainText());

        // After the next keyframe the cache holds only the new GOP.
        using var third = f.Join();
        Assert.Equal("init:320x240 K4 P5", third.DrainText());
        Assert.Equal(3, f.Stream.Viewers);
    }

    [Fact]
    public async Task The_cached_gop_keeps_its_timeline_so_a_joiner_sees_the_same_decode_times()
    {
        await using var f = new StreamFixture();
        using var first = f.Join();
        var session = await f.Camera.NextSessionAsync();
        for (var i = 0; i < 4; i++)
        {
            session.Push(f.Small, i, i == 0, Ts(i));
        }

        using var second = f.Join();
        var live = first.Drain().Where(r => r.Kind == FragmentKind.Media).Select(r => r.Tfdt);
        var joined = second.Drain().Where(r => r.Kind == FragmentKind.Media).Select(r => r.Tfdt);
        Assert.Equal(live, joined);
        Assert.Equal([0UL, 3000, 6000, 9000], joined);
    }

    [Fact]
    public async Task Viewers_that_join_before_any_keyframe_get_nothing_until_the_keyframe()
    {
        await using var f = new StreamFixture();
        using var first = f.Join();
        var session = await f.Camera.NextSessionAsync();
        session.Push(f.Small, 0, false, Ts(0));
        session.Push(f.Small, 1, false, Ts(1));
        using var second = f.Join();
        session.Push(f.Small, 2, false, Ts(2));
        Assert.DoesNotContain(first.Drain(), r => r.Kind == FragmentKind.Media);
        Assert.DoesNotContain(second.Drain(), r => r.Kind == FragmentKind.Media);

        session.Push(f.Small, 3, true, Ts(3));
        session.Push(f.Small, 4, false, Ts(4));
        Assert.Equal("K3 P4", string.Join(" ", first.Drain().Where(r => r.Kind == FragmentKind.Media)));
        Assert.Equal("K3 P4", string.Join(" ", second.Drain().Where(r => r.Kind == FragmentKind.Media)));
    }

    [Fact]
    public async Task A_gop_larger_than_the_cache_limit_is_not_cached_and_joiners_wait_for_the_next_keyframe()
    {
        // Each frame is about 1 KB as a fragment; the cache takes two of them but not three.
        await using var f = new StreamFixture(new StreamOptions { Url = "rtsp://camera.test/live", GopCacheMaxBytes = 2500 });
        using var first = f.Join();
        var session = await f.Camera.NextSessionAsync();
        session.Push(f.Small, 0, true, Ts(0), 1000);
        session.Push(f.Small, 1, false, Ts(1), 1000);
        using (var early = f.Join())
        {
            Assert.Equal("init:320x240 K0 P1", early.DrainText());
        }

        session.Push(f.Small, 2, false, Ts(2), 1000);
        using var late = f.Join();
        Assert.Equal("init:320x240", late.DrainText());

        // The rest of this GOP is useless to the late viewer: it starts at the keyframe.
        session.Push(f.Small, 3, false, Ts(3), 1000);
        session.Push(f.Small, 4, true, Ts(4), 1000);
        session.Push(f.Small, 5, false, Ts(5), 1000);
        Assert.Equal("K4 P5", late.DrainText());
        Assert.Equal("init:320x240 K0 status:live P1 P2 P3 K4 P5", first.DrainText());

        // The new GOP fits again (two frames).
        using var next = f.Join();
        Assert.Equal("init:320x240 K4 P5", next.DrainText());
    }

    [Fact]
    public async Task Samples_held_by_the_cache_and_queues_are_released_when_viewers_leave_and_the_stream_stops()
    {
        var f = new StreamFixture();
        var viewer = f.Join();
        var session = await f.Camera.NextSessionAsync();
        for (var i = 0; i < 3; i++)
        {
            session.Push(f.Small, i, i == 0, Ts(i));
        }

        // Hold the samples as a reader would, without releasing them, to watch their counts.
        var held = new List<Sample>();
        while (viewer.Subscription.QueuedFrames > 0 || held.Count == 0)
        {
            using var cts = new CancellationTokenSource(Wait.Timeout);
            var item = await viewer.Subscription.ReadAsync(cts.Token);
            if (item?.Frame is { } sample)
            {
                held.Add(sample);
            }
        }

        // Ours, plus the GOP cache's.
        Assert.All(held, h => Assert.Equal(2, h.References));
        viewer.Dispose();
        foreach (var h in held)
        {
            h.Release();
        }

        Assert.All(held, h => Assert.Equal(1, h.References));
        await f.DisposeAsync();
        Assert.All(held, h => Assert.Equal(0, h.References));
    }
}
