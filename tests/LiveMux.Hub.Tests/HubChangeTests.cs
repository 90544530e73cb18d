using LiveMux.Hub.Tests.Infrastructure;
using LiveMux.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveMux.Hub.Tests;

/// <summary>
/// Removing or replacing one stream at run time: its viewers are told why and closed, its camera session
/// ends, and the other stream's viewers and session go on as if nothing happened.
/// Two GStreamer cameras, so each stream's sessions are counted apart.
/// </summary>
public sealed class HubChangeTests : IAsyncLifetime
{
    private TestCamera _cameraA = null!;
    private TestCamera _cameraB = null!;
    private readonly StreamHub _hub = new(new ViewerQueueOptions(), TimeProvider.System, NullLoggerFactory.Instance, transcodeFeed: (_, _, ct) => Task.Delay(Timeout.Infinite, ct));

    public async Task InitializeAsync()
    {
        _cameraA = await TestCamera.StartAsync();
        _cameraB = await TestCamera.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _cameraA.DisposeAsync();
        await _cameraB.DisposeAsync();
    }

    private static StreamOptions Camera(TestCamera camera, bool alwaysOn = true, bool fallback = false) =>
        new() { Url = camera.Url(), AlwaysOn = alwaysOn, TranscodeFallback = fallback };

    [Theory]
    [InlineData("remove")]
    [InlineData("replace")]
    public async Task A_change_ends_that_streams_viewers_with_the_reason_and_leaves_the_other_stream_alone(string change)
    {
        var a = _hub.Add("a", Camera(_cameraA));
        var b = _hub.Add("b", Camera(_cameraB));
        using var viewerA = new Viewer(a.Subscribe());
        using var viewerB = new Viewer(b.Subscribe());
        await MediaAsync(viewerA);
        await MediaAsync(viewerB);
        await WaitAsync(() => _cameraA.Sessions == 1 && _cameraB.Sessions == 1, "one session per camera");
        var sessionsB = b.Counters.SessionsOpened;

        const string reason = "stream 'a' changed by the test";
        if (change == "remove")
        {
            Assert.True(await _hub.Remove("a", reason));
            Assert.False(_hub.TryGet("a", out _));
        }
        else
        {
            var replaced = await _hub.Replace("a", Camera(_cameraA) with { IdleTimeout = TimeSpan.FromSeconds(7) }, reason);
            Assert.True(_hub.TryGet("a", out var current));
            Assert.Same(replaced, current);
            Assert.NotSame(a, current);
            Assert.Equal(TimeSpan.FromSeconds(7), current.Options.IdleTimeout);
        }

        Assert.Equal(reason, viewerA.Subscription.CloseReason);
        while (await viewerA.NextAsync() is not null)
        {
        }

        Assert.True(viewerA.Ended);
        Assert.Equal(StreamState.Idle, a.State);

        // The other stream: same instance, same session, its viewer still subscribed and fed.
        Assert.True(_hub.TryGet("b", out var stillB));
        Assert.Same(b, stillB);
        Assert.Null(viewerB.Subscription.CloseReason);
        viewerB.Drain();
        await MediaAsync(viewerB);
        Assert.Equal(sessionsB, b.Counters.SessionsOpened);
        Assert.Equal(1, _cameraB.Sessions);

        if (change == "remove")
        {
            await WaitAsync(() => _cameraA.Sessions == 0, "the removed stream's camera session to end");
        }
        else
        {
            // The replacement is always on too: it opens its own session, and a new viewer is fed.
            Assert.True(_hub.TryGet("a", out var newA));
            using var again = new Viewer(newA.Subscribe());
            await MediaAsync(again);
            Assert.Equal(1, _cameraA.Sessions);
        }
    }

    [Fact]
    public async Task The_h264_companion_goes_with_its_stream_and_cannot_be_removed_alone()
    {
        _hub.Add("a", Camera(_cameraA, alwaysOn: false, fallback: true));
        _hub.Add("b", Camera(_cameraB, alwaysOn: false));
        Assert.True(_hub.TryGet("a~h264", out var companion));
        using var companionViewer = new Viewer(companion.Subscribe());

        Assert.False(await _hub.Remove("a~h264", "nope"));
        Assert.True(_hub.TryGet("a~h264", out _));

        Assert.True(await _hub.Remove("a", "gone"));
        Assert.False(_hub.TryGet("a~h264", out _));
        Assert.Equal("gone", companionViewer.Subscription.CloseReason);
        Assert.Equal(["b"], _hub.Streams.Select(s => s.Name));
    }

    [Fact]
    public async Task Replace_without_the_fallback_drops_the_companion_and_with_it_adds_one()
    {
        _hub.Add("a", Camera(_cameraA, alwaysOn: false, fallback: true));
        await _hub.Replace("a", Camera(_cameraA, alwaysOn: false), "no fallback");
        Assert.Equal(["a"], _hub.Streams.Select(s => s.Name));

        var replaced = await _hub.Replace("a", Camera(_cameraA, alwaysOn: false, fallback: true), "fallback again");
        Assert.True(_hub.TryGet("a~h264", out var companion));
        Assert.Same(companion, replaced.Fallback);
    }

    [Fact]
    public async Task A_viewer_that_looked_the_stream_up_before_it_was_removed_gets_the_reason()
    {
        var a = _hub.Add("a", Camera(_cameraA, alwaysOn: false));
        Assert.True(await _hub.Remove("a", "stream 'a' was removed"));

        using var late = new Viewer(a.Subscribe());
        Assert.Equal("stream 'a' was removed", late.Subscription.CloseReason);
        Assert.Null(await late.NextAsync());
        Assert.Equal(0, a.Viewers); // nobody else watched it
        Assert.Equal(StreamState.Idle, a.State);
    }

    [Fact]
    public async Task Unknown_names_are_refused()
    {
        Assert.False(await _hub.Remove("nope", "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => _hub.Replace("nope", Camera(_cameraA), "x"));
    }

    private static async Task MediaAsync(Viewer viewer)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var item = await viewer.Subscription.ReadAsync(cts.Token);
            Assert.NotNull(item);
            if (item.Value.Frame is { } sample)
            {
                sample.Release();
                return;
            }
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(20);
        }
    }
}
