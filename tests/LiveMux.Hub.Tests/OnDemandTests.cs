using LiveMux.Hub.Tests.Infrastructure;
using static LiveMux.Hub.Tests.Infrastructure.StreamFixture;

namespace LiveMux.Hub.Tests;

/// <summary>One camera session whatever the number of viewers, opened by the first, closed an idle time after the last.</summary>
public sealed class OnDemandTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);

    private static StreamOptions Options(bool alwaysOn = false) =>
        new() { Url = "rtsp://camera.test/live", IdleTimeout = Idle, AlwaysOn = alwaysOn };

    [Fact]
    public async Task No_session_before_the_first_viewer()
    {
        await using var f = new StreamFixture(Options());
        await f.Camera.AssertNoNewSessionAsync();
        Assert.Equal(0, f.Camera.Runs);
        Assert.Equal(StreamState.Idle, f.Stream.State);
        Assert.Equal("rtsp://***:***@camera.test:554/live", f.Stream.Source);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task Exactly_one_session_for_any_number_of_viewers_cancelled_only_after_the_idle_timeout(int viewers)
    {
        await using var f = new StreamFixture(Options());
        var joined = Enumerable.Range(0, viewers).Select(_ => f.Join()).ToList();
        var session = await f.Camera.NextSessionAsync();
        Assert.Equal(StreamState.Starting, f.Stream.State);
        session.Push(f.Small, 0, true, Ts(0));
        await f.Camera.AssertNoNewSessionAsync();
        Assert.Equal(1, f.Camera.Runs);
        Assert.Equal(viewers, f.Stream.Viewers);

        foreach (var v in joined)
        {
            Assert.Equal(0, f.Time.TimersCreated);
            v.Dispose();
        }

        Assert.Equal(0, f.Stream.Viewers);
        Assert.Equal(Idle, await f.Time.NextTimerAsync());
        f.Time.Advance(Idle - TimeSpan.FromMilliseconds(1));
        await Task.Delay(Wait.Quiet);
        Assert.False(session.Cancelled.IsCompleted, "cancelled before the idle timeout");
        Assert.Equal(StreamState.Live, f.Stream.State);

        f.Time.Advance(TimeSpan.FromMilliseconds(1));
        await session.Cancelled.WaitAsync(Wait.Timeout);
        Assert.Equal(StreamState.Idle, f.Stream.State);

        // The next viewer opens a new session, and is sent the last known format at once.
        using var next = f.Join();
        await f.Camera.NextSessionAsync();
        Assert.Equal(2, f.Camera.Runs);
        Assert.Equal("init:320x240", next.DrainText());
    }

    [Fact]
    public async Task A_viewer_returning_within_the_idle_timeout_keeps_the_session()
    {
        await using var f = new StreamFixture(Options());
        var first = f.Join();
        var session = await f.Camera.NextSessionAsync();
        first.Dispose();
        await f.Time.NextTimerAsync();
        f.Time.Advance(Idle / 2);
        using var second = f.Join();
        f.Time.Advance(Idle * 2);
        await Task.Delay(Wait.Quiet);
        Assert.False(session.Cancelled.IsCompleted);
        Assert.Equal(1, f.Camera.Runs);
    }

    [Fact]
    public async Task Always_on_starts_without_viewers_and_never_idles_out()
    {
        await using var f = new StreamFixture(Options(alwaysOn: true));
        f.Stream.Start();
        var session = await f.Camera.NextSessionAsync();
        session.Push(f.Small, 0, true, Ts(0));
        Assert.Equal(StreamState.Live, f.Stream.State);
        f.Join().Dispose();
        f.Time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(Wait.Quiet);
        Assert.False(session.Cancelled.IsCompleted);
        Assert.Equal(0, f.Time.TimersCreated);
        Assert.Equal(StreamState.Live, f.Stream.State);
    }

    [Fact]
    public async Task Dispose_ends_every_viewer_with_a_reason_and_cancels_the_session()
    {
        var f = new StreamFixture(Options());
        using var a = f.Join();
        using var b = f.Join();
        var session = await f.Camera.NextSessionAsync();
        session.Push(f.Small, 0, true, Ts(0));
        await f.DisposeAsync();

        Assert.True(session.Cancelled.IsCompleted);
        Assert.Equal(StreamState.Idle, f.Stream.State);
        foreach (var v in new[] { a, b })
        {
            Assert.Equal("server shutting down", v.Subscription.CloseReason);
            Assert.Equal("", v.DrainText()); // the backlog is released at the close, not sent
            Assert.True(v.Ended);
        }

        // A viewer arriving after the stop is told why at once, and starts nothing.
        var viewers = f.Stream.Viewers;
        using var late = f.Join();
        Assert.Equal("server shutting down", late.Subscription.CloseReason);
        Assert.Null(await late.NextAsync());
        Assert.Equal(viewers, f.Stream.Viewers);
        late.Dispose();
        a.Dispose();
        Assert.Equal(0, f.Time.TimersCreated);
    }
}
