using LiveMux.Hub.Tests.Infrastructure;
using LiveMux.Rtsp;
using static LiveMux.Hub.Tests.Infrastructure.StreamFixture;

namespace LiveMux.Hub.Tests;

/// <summary>A lost camera: viewers are told, the stream retries with backoff on the fake clock, then goes live again.</summary>
public sealed class ReconnectTests
{
    // failure, the detail admins see (API, log), the reason viewers are told
    public static TheoryData<Exception, string, string> Failures => new()
    {
        { new RtspException(RtspErrorKind.ConnectionClosed, "camera closed the connection"), "camera closed the connection", "the camera closed the connection" },
        { new RtspException(RtspErrorKind.NoMedia, "no media for 5 s"), "no media for 5 s", "no media from the camera" },
        {
            new RtspException(RtspErrorKind.Unreachable, "cannot connect to 10.1.2.3:554: connection refused",
                new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)),
            "cannot connect to 10.1.2.3:554: connection refused", "camera unreachable (connection refused)"
        },
        {
            new RtspException(RtspErrorKind.MalformedResponse, "malformed RTSP status line \"HTTP/1.1 400 Bad Request\""),
            "malformed RTSP status line \"HTTP/1.1 400 Bad Request\"", "the camera did not answer as an RTSP server"
        },
        { new InvalidOperationException("bug"), "internal error: InvalidOperationException", "internal error" },
        { new LiveMux.Hub.Sources.StreamSourceException("ffmpeg exited with code 1: Connection refused"), "ffmpeg exited with code 1: Connection refused", "the stream's source failed" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_lost_camera_is_retried_after_the_backoff_and_viewers_follow_the_state(Exception failure, string reason, string viewerReason)
    {
        await using var f = new StreamFixture();
        using var viewer = f.Join();
        var first = await f.Camera.NextSessionAsync();
        first.Push(f.Small, 0, true, Ts(0));
        Assert.Equal(StreamState.Live, f.Stream.State);
        Assert.Equal("init:320x240 K0 status:live", viewer.DrainText());

        first.Fail(failure);
        var delay = await f.Time.NextTimerAsync();
        Assert.Equal(StreamState.Reconnecting, f.Stream.State);
        Assert.Equal(reason, f.Stream.LastError);
        Assert.Equal(viewerReason, f.Stream.LastViewerError);
        Assert.Equal(1, f.Stream.Counters.Reconnects);
        Assert.Equal(new StreamEvent(StreamState.Reconnecting, viewerReason), (await viewer.NextAsync())!.Event);
        Assert.InRange(delay, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));

        // A viewer that joins now is told first, then gets what is cached.
        using var joiner = f.Join();
        Assert.Equal($"status:reconnecting init:320x240 K0", joiner.DrainText());

        f.Time.Advance(delay - TimeSpan.FromTicks(1));
        await f.Camera.AssertNoNewSessionAsync();
        f.Time.Advance(TimeSpan.FromTicks(1));
        var second = await f.Camera.NextSessionAsync();
        Assert.Equal(2, f.Camera.Runs);
        Assert.Equal(2, f.Stream.Counters.SessionsOpened);

        using var again = new H264Camera(H264Camera.Baseline320x240);
        second.Push(again, 1, true, Ts(0, 777));
        Assert.Equal(StreamState.Live, f.Stream.State);
        Assert.Null(f.Stream.LastError);
        Assert.Equal("K1 status:live", viewer.DrainText());
        Assert.Equal("K1 status:live", joiner.DrainText());
    }

    [Fact]
    public async Task The_timeline_continues_across_a_reconnect_with_a_new_random_rtp_base()
    {
        await using var f = new StreamFixture();
        using var viewer = f.Join();
        var first = await f.Camera.NextSessionAsync();
        first.Push(f.Small, 0, true, Ts(0));
        first.Push(f.Small, 1, false, Ts(1));
        first.Fail(new RtspException(RtspErrorKind.ConnectionClosed, "lost"));
        f.Time.Advance(await f.Time.NextTimerAsync());
        var second = await f.Camera.NextSessionAsync();
        using var again = new H264Camera(H264Camera.Baseline320x240);
        second.Push(again, 2, true, Ts(0, 123_456));
        second.Push(again, 3, false, Ts(1, 123_456));
        var media = viewer.Drain().Where(r => r.Kind == FragmentKind.Media).Select(r => r.Tfdt);
        Assert.Equal([0UL, 3000, 6000, 9000], media);
    }

    [Fact]
    public async Task Authentication_failures_back_off_at_least_10_seconds()
    {
        await using var f = new StreamFixture();
        using var viewer = f.Join();
        var first = await f.Camera.NextSessionAsync();
        first.Fail(new RtspException(RtspErrorKind.AuthenticationFailed, "401 Unauthorized: check the user and password"));
        var delay = await f.Time.NextTimerAsync();
        Assert.Equal(TimeSpan.FromSeconds(10), delay);
        Assert.Contains("401", f.Stream.LastError);

        f.Time.Advance(TimeSpan.FromSeconds(9.9));
        await f.Camera.AssertNoNewSessionAsync();
        f.Time.Advance(TimeSpan.FromSeconds(0.1));
        await f.Camera.NextSessionAsync();
    }

    [Fact]
    public async Task A_source_failure_with_a_minimum_retry_delay_waits_that_long()
    {
        await using var f = new StreamFixture();
        using var viewer = f.Join();
        var first = await f.Camera.NextSessionAsync();
        first.Fail(new LiveMux.Hub.Sources.StreamSourceException("ffmpeg not found: install ffmpeg or set LiveMux:Ffmpeg:Path") { MinRetryDelay = TimeSpan.FromSeconds(10) });
        var delay = await f.Time.NextTimerAsync();
        Assert.Equal(TimeSpan.FromSeconds(10), delay);
        Assert.Equal("ffmpeg not found: install ffmpeg or set LiveMux:Ffmpeg:Path", f.Stream.LastError);
        Assert.Equal(StreamState.Reconnecting, f.Stream.State);

        f.Time.Advance(TimeSpan.FromSeconds(9.9));
        await f.Camera.AssertNoNewSessionAsync();
        f.Time.Advance(TimeSpan.FromSeconds(0.1));
        await f.Camera.NextSessionAsync();
    }

    [Fact]
    public async Task Retries_back_off_exponentially_to_the_cap_and_a_long_session_resets_the_backoff()
    {
        await using var f = new StreamFixture();
        using var viewer = f.Join();
        var nominal = new[] { 1.0, 1.6, 2.56, 4, 4 };
        var session = await f.Camera.NextSessionAsync();
        foreach (var seconds in nominal)
        {
            session.Fail(new RtspException(RtspErrorKind.Unreachable, "connection refused"));
            var delay = await f.Time.NextTimerAsync();
            Assert.InRange(delay.TotalSeconds, seconds * 0.8 - 0.001, seconds * 1.2 + 0.001);
            f.Time.Advance(delay);
            session = await f.Camera.NextSessionAsync();
        }

        Assert.Equal(nominal.Length, f.Stream.Counters.Reconnects);

        // This one plays for a minute before it is lost: the next retry is quick again.
        session.Push(f.Small, 0, true, Ts(0));
        f.Time.Advance(TimeSpan.FromMinutes(1));
        session.Fail(new RtspException(RtspErrorKind.NoMedia, "no media"));
        Assert.InRange(await f.Time.NextTimerAsync(), TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
    }
}
