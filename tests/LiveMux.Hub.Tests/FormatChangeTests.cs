using LiveMux.Hub.Tests.Infrastructure;
using LiveMux.Rtsp;
using static LiveMux.Hub.Tests.Infrastructure.StreamFixture;

namespace LiveMux.Hub.Tests;

/// <summary>A new SPS means a new init segment for every viewer, before the first fragment that needs it.</summary>
public sealed class FormatChangeTests
{
    [Fact]
    public async Task A_new_sps_sends_a_new_init_to_every_viewer_before_the_next_fragment_and_clears_the_gop()
    {
        await using var f = new StreamFixture();
        using var a = f.Join();
        var session = await f.Camera.NextSessionAsync();
        session.Push(f.Small, 0, true, Ts(0));
        session.Push(f.Small, 1, false, Ts(1));
        using var b = f.Join();
        Assert.Equal("init:320x240 K0 P1", b.DrainText());

        // The camera switches resolution; its next frame is an IDR with the new SPS.
        session.Push(f.Large, 2, true, Ts(2));
        session.Push(f.Large, 3, false, Ts(3));
        Assert.Equal("init:320x240 K0 status:live P1 init:640x360 K2 P3", a.DrainText());
        Assert.Equal("init:640x360 K2 P3", b.DrainText());
        Assert.Equal(640, f.Stream.Format!.Video!.Width);
        Assert.Equal("avc1.4D401E", f.Stream.Format.Codecs);

        // The cache was cleared at the change: a joiner gets only the new format and its GOP.
        using var c = f.Join();
        Assert.Equal("init:640x360 K2 P3", c.DrainText());
    }

    [Fact]
    public async Task The_init_segment_describes_the_format_of_the_frames_after_it()
    {
        await using var f = new StreamFixture();
        using var a = f.Join();
        var session = await f.Camera.NextSessionAsync();
        session.Push(f.Large, 0, true, Ts(0));
        var init = a.Drain().Single(r => r.Kind == FragmentKind.Init);
        Assert.Equal(f.Large.Config, init.Format!.Video);
        Assert.Equal("video/mp4; codecs=\"avc1.4D401E\"", init.Format.MimeType);
    }

    [Fact]
    public async Task The_same_config_after_a_reconnect_sends_no_new_init()
    {
        await using var f = new StreamFixture();
        using var a = f.Join();
        var first = await f.Camera.NextSessionAsync();
        first.Push(f.Small, 0, true, Ts(0));
        first.Push(f.Small, 1, false, Ts(1));
        first.Fail(new RtspException(RtspErrorKind.ConnectionClosed, "camera closed the connection"));
        f.Time.Advance(await f.Time.NextTimerAsync());
        var second = await f.Camera.NextSessionAsync();

        // A new depacketizer (as a new RTSP session has) with the same SPS/PPS, and a new random RTP base.
        using var again = new H264Camera(H264Camera.Baseline320x240);
        second.Push(again, 2, true, Ts(0, 12345));
        Assert.Equal(
            "init:320x240 K0 status:live P1 status:reconnecting K2 status:live",
            a.DrainText());
    }
}
