using LiveMux.Hub.Tests.Infrastructure;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp;
using static LiveMux.Hub.Tests.Infrastructure.StreamFixture;

namespace LiveMux.Hub.Tests;

/// <summary>A camera with a video and an audio track: one init segment for both, GOPs that start at the video keyframe.</summary>
public sealed class MultiTrackTests
{
    private static async Task<(StreamFixture F, FakeSession Session, FakeAudio Audio)> StartAsync(int trackCount = 2)
    {
        var f = new StreamFixture();
        f.Camera.TrackCount = trackCount;
        var subscription = f.Stream.Subscribe();
        var session = await f.Camera.NextSessionAsync();
        subscription.Dispose();
        return (f, session, new FakeAudio());
    }

    [Fact]
    public async Task The_init_waits_for_every_track_and_lists_video_first_whatever_the_sdp_order()
    {
        await using var f = new StreamFixture();
        f.Camera.TrackCount = 2;
        using var a = f.Join();
        var session = await f.Camera.NextSessionAsync();
        var audio = new FakeAudio();

        // The SDP lists audio first; its config is known at once, the video's only with the first IDR.
        session.Announce(audio.Config, 0);
        session.PushAudio(audio, 100, audio.Ts(0), track: 0);
        Assert.Null(f.Stream.Format);
        Assert.Equal("", a.DrainText());

        session.Push(f.Small.Config, f.Small.Frame(0, true, Ts(0)), track: 1);
        session.PushAudio(audio, 101, audio.Ts(1), track: 0);
        session.Push(f.Small.Config, f.Small.Frame(1, false, Ts(1)), track: 1);
        Assert.Equal("init:320x240+audio K0 status:live A101 P1", a.DrainText());
        Assert.Equal(["avc1.42C00D", "mp4a.40.2"], f.Stream.Format!.Tracks.Select(t => t.Codec));
        Assert.Equal("video/mp4; codecs=\"avc1.42C00D,mp4a.40.2\"", f.Stream.Format.MimeType);
    }

    [Fact]
    public async Task A_viewer_joining_mid_gop_gets_the_gop_from_the_keyframe_with_its_audio()
    {
        var (f, session, audio) = await StartAsync();
        await using var _ = f;
        session.Announce(audio.Config, 1);
        session.PushAudio(audio, 100, audio.Ts(0));
        session.Push(f.Small, 0, true, Ts(0));
        session.PushAudio(audio, 101, audio.Ts(1));
        session.Push(f.Small, 1, false, Ts(1));
        session.PushAudio(audio, 102, audio.Ts(2));

        using var b = f.Join();
        Assert.Equal("init:320x240+audio K0 A101 P1 A102", b.DrainText());

        // The next GOP replaces the cache; audio frames never start one.
        session.Push(f.Small, 2, true, Ts(2));
        session.PushAudio(audio, 103, audio.Ts(3));
        using var c = f.Join();
        Assert.Equal("init:320x240+audio K2 A103", c.DrainText());
    }

    [Fact]
    public async Task A_viewer_that_joined_before_any_keyframe_gets_audio_only_from_the_keyframe_on()
    {
        await using var f = new StreamFixture();
        f.Camera.TrackCount = 2;
        using var a = f.Join();
        var session = await f.Camera.NextSessionAsync();
        var audio = new FakeAudio();
        session.Announce(audio.Config, 1);

        // The session starts mid-GOP: a P-frame first.
        session.Push(f.Small, 5, false, Ts(5));
        session.PushAudio(audio, 200, audio.Ts(0));
        session.Push(f.Small, 6, true, Ts(6));
        session.PushAudio(audio, 201, audio.Ts(1));
        session.Push(f.Small, 7, false, Ts(7));
        Assert.Equal("init:320x240+audio status:live K6 A201 P7", a.DrainText());
    }

    [Fact]
    public async Task A_track_without_config_is_left_out_after_the_timeout()
    {
        var (f, session, audio) = await StartAsync();
        await using var _ = f;
        using var a = f.Join();

        // The video track never delivers an SPS; only audio frames come.
        session.PushAudio(audio, 100, audio.Ts(0));
        f.Time.Advance(TimeSpan.FromSeconds(2.9));
        session.PushAudio(audio, 101, audio.Ts(1));
        Assert.Null(f.Stream.Format);

        f.Time.Advance(TimeSpan.FromSeconds(0.2));
        session.PushAudio(audio, 102, audio.Ts(2));
        session.PushAudio(audio, 103, audio.Ts(3));
        Assert.Equal("init:audio K102 status:live K103", a.DrainText());
        Assert.Equal("mp4a.40.2", Assert.Single(f.Stream.Format!.Tracks).Codec);
    }

    [Fact]
    public async Task Audio_that_comes_keeps_its_track_however_long_the_stream_runs()
    {
        var (f, session, audio) = await StartAsync();
        await using var _ = f;
        using var a = f.Join();
        session.Announce(audio.Config, 1);
        session.Push(f.Small, 0, true, Ts(0));
        session.PushAudio(audio, 100, audio.Ts(0));
        f.Time.Advance(TimeSpan.FromSeconds(10));
        session.Push(f.Small, 1, true, Ts(1));
        Assert.Equal("init:320x240+audio K0 status:live A100 K1", a.DrainText());
        Assert.Equal(2, f.Stream.Format!.Tracks.Count);
    }

    [Fact]
    public async Task A_camera_that_returns_with_other_tracks_gets_a_new_init_and_no_old_track()
    {
        await using var f = new StreamFixture();
        f.Camera.TrackCount = 2;
        using var a = f.Join();
        var audio = new FakeAudio();
        var first = await f.Camera.NextSessionAsync();
        first.Announce(audio.Config, 1);
        first.Push(f.Small, 0, true, Ts(0));
        first.PushAudio(audio, 100, audio.Ts(0));

        // Back without audio, then back with audio in another codec.
        f.Camera.TrackCount = 1;
        first.Fail(new RtspException(RtspErrorKind.ConnectionClosed, "camera closed the connection"));
        f.Time.Advance(await f.Time.NextTimerAsync());
        var second = await f.Camera.NextSessionAsync();
        using var again = new H264Camera(H264Camera.Baseline320x240);
        second.Push(again, 1, true, Ts(0, 777));
        Assert.Equal("init:320x240+audio K0 status:live A100 status:reconnecting init:320x240 K1 status:live", a.DrainText());
        Assert.Single(f.Stream.Format!.Tracks);

        f.Camera.TrackCount = 2;
        second.Fail(new RtspException(RtspErrorKind.ConnectionClosed, "camera closed the connection"));
        f.Time.Advance(await f.Time.NextTimerAsync());
        var third = await f.Camera.NextSessionAsync();
        var opus = new FakeAudio("opus", 48000, 960);
        using var third264 = new H264Camera(H264Camera.Baseline320x240);
        third.Announce(opus.Config, 1);
        third.Push(third264, 2, true, Ts(0, 555));
        third.PushAudio(opus, 101, opus.Ts(0));
        Assert.Equal("status:reconnecting init:320x240+audio K2 status:live A101", a.DrainText());
        Assert.Equal("avc1.42C00D,opus", f.Stream.Format!.Codecs);
    }

    [Fact]
    public async Task An_sps_change_sends_a_new_init_with_both_tracks_and_the_audio_goes_on()
    {
        var (f, session, audio) = await StartAsync();
        await using var _ = f;
        using var a = f.Join();
        session.Announce(audio.Config, 1);
        session.Push(f.Small, 0, true, Ts(0));
        session.PushAudio(audio, 100, audio.Ts(0));
        session.Push(f.Large, 1, true, Ts(1));
        session.PushAudio(audio, 101, audio.Ts(1));
        var received = a.Drain();
        Assert.Equal("init:320x240+audio K0 status:live A100 init:640x360+audio K1 A101", string.Join(" ", received));
        var audioTimes = received.Where(r => r.TrackId == 2).Select(r => r.Tfdt).ToArray();
        Assert.Equal(1024UL, audioTimes[1] - audioTimes[0]);
    }

    public static TheoryData<string, double, double, double> Alignments => new()
    {
        // case, audio arrives later by (s), sender report puts audio later by (s; NaN = no reports), expected audio start (s)
        { "arrival: same time", 0, double.NaN, 0 },
        { "arrival: audio 40 ms later", 0.040, double.NaN, 0.040 },
        { "sender reports win over arrival", 0.040, 0.100, 0.100 },
        { "sender reports: audio captured before the keyframe is dropped", 0, -0.050, -1 },
    };

    [Theory]
    [MemberData(nameof(Alignments))]
    public async Task Tracks_start_aligned_by_sender_reports_or_else_by_arrival(string name, double audioArrivesLater, double reportOffset, double expected)
    {
        var (f, session, audio) = await StartAsync();
        await using var _ = f;
        using var a = f.Join();
        session.Announce(audio.Config, 1);
        if (!double.IsNaN(reportOffset))
        {
            session.SenderReport(0, new RtcpSenderReport(1, Ntp(1000), Ts(0), 0, 0));
            session.SenderReport(1, new RtcpSenderReport(2, Ntp(1000 + reportOffset), audio.Ts(0), 0, 0));
        }

        session.Push(f.Small, 0, true, Ts(0));
        f.Time.Advance(TimeSpan.FromSeconds(audioArrivesLater));
        session.PushAudio(audio, 100, audio.Ts(0));
        session.PushAudio(audio, 101, audio.Ts(1));
        var frames = a.Drain().Where(r => r.Kind == FragmentKind.Media).ToList();
        Assert.Equal(0UL, frames[0].Tfdt);
        var first = frames.FirstOrDefault(r => r.TrackId == 2);
        if (expected < 0)
        {
            // The first audio frame would start 50 ms before the keyframe: dropped; the next one (21 ms later) too.
            Assert.True(first is null || first.FrameId > 100, $"{name}: {string.Join(" ", frames)}");
            return;
        }

        Assert.True(first is { FrameId: 100 }, $"{name}: {string.Join(" ", frames)}");
        Assert.Equal(Math.Round(expected * audio.SampleRate), (double)first.Tfdt);
    }

    [Fact]
    public async Task Sender_reports_that_arrive_later_move_the_audio_into_sync_without_going_back()
    {
        var (f, session, audio) = await StartAsync();
        await using var _ = f;
        using var a = f.Join();
        session.Announce(audio.Config, 1);
        session.Push(f.Small, 0, true, Ts(0));
        session.PushAudio(audio, 100, audio.Ts(0));
        session.PushAudio(audio, 101, audio.Ts(1));

        // The reports say audio frame 0 was captured 100 ms after video frame 0: move the audio forward.
        session.SenderReport(0, new RtcpSenderReport(1, Ntp(500), Ts(0), 0, 0));
        session.SenderReport(1, new RtcpSenderReport(2, Ntp(500.1), audio.Ts(0), 0, 0));
        session.PushAudio(audio, 102, audio.Ts(2));

        // And back again by 60 ms: frames that would overlap what was sent are dropped.
        session.SenderReport(1, new RtcpSenderReport(2, Ntp(500.04), audio.Ts(0), 0, 0));
        for (var n = 3; n < 8; n++)
        {
            session.PushAudio(audio, 100 + n, audio.Ts(n));
        }

        var audioFrames = a.Drain().Where(r => r.TrackId == 2).ToList();
        Assert.Equal([0UL, 1024UL, 2048UL + 4800], audioFrames.Take(3).Select(r => r.Tfdt));
        var times = audioFrames.Select(r => (long)r.Tfdt).ToArray();
        Assert.True(times.Zip(times.Skip(1)).All(p => p.Second > p.First), string.Join(",", times));
        var last = audioFrames[^1];
        Assert.Equal(107, last.FrameId);
        Assert.Equal(Math.Round((7 * 1024) + (0.040 * 48000)), (double)last.Tfdt);
    }

    [Fact]
    public async Task After_a_reconnect_both_tracks_continue_from_where_the_longer_one_ended()
    {
        await using var f = new StreamFixture();
        f.Camera.TrackCount = 2;
        using var a = f.Join();
        var audio = new FakeAudio();
        var first = await f.Camera.NextSessionAsync();
        first.Announce(audio.Config, 1);
        for (var i = 0; i < 3; i++)
        {
            first.Push(f.Small, i, i == 0, Ts(i));
        }

        for (var n = 0; n < 5; n++)
        {
            first.PushAudio(audio, 100 + n, audio.Ts(n));
        }

        first.Fail(new RtspException(RtspErrorKind.ConnectionClosed, "camera closed the connection"));
        f.Time.Advance(await f.Time.NextTimerAsync());
        var second = await f.Camera.NextSessionAsync();
        using var again = new H264Camera(H264Camera.Baseline320x240);
        second.Announce(audio.Config, 1);
        second.Push(again, 3, true, Ts(0, 4242));
        second.PushAudio(audio, 105, audio.Ts(0, 99));
        var frames = a.Drain().Where(r => r.Kind == FragmentKind.Media).ToList();

        // Video ended at 3 x 3000 = 9000 (0.1 s), audio at 5 x 1024 = 5120 (0.1067 s): both go on at 0.1067 s.
        Assert.Equal(9600UL, frames.Single(r => r.FrameId == 3).Tfdt);
        Assert.Equal(5120UL, frames.Single(r => r.FrameId == 105).Tfdt);
    }

    [Fact]
    public async Task After_a_loss_a_video_only_stream_continues_without_a_gap()
    {
        await using var f = new StreamFixture();
        using var a = f.Join();
        var session = await f.Camera.NextSessionAsync();
        session.Push(f.Small, 0, true, Ts(0));
        session.Push(f.Small, 1, false, Ts(1));

        // Frames 2..19 were lost upstream; the depacketizer resumed at the next IDR, 19 intervals later.
        session.Push(f.Small, 20, true, Ts(20));
        session.Push(f.Small, 21, false, Ts(21));
        var times = a.Drain().Where(r => r.Kind == FragmentKind.Media).Select(r => r.Tfdt).ToArray();
        Assert.Equal([0UL, 3000UL, 6000UL, 9000UL], times);
    }

    [Fact]
    public async Task After_a_video_loss_next_to_audio_the_video_keeps_its_place_so_lip_sync_holds()
    {
        var (f, session, audio) = await StartAsync();
        await using var _ = f;
        using var a = f.Join();
        session.Announce(audio.Config, 1);
        session.Push(f.Small, 0, true, Ts(0));
        session.PushAudio(audio, 100, audio.Ts(0));
        session.Push(f.Small, 1, false, Ts(1));
        session.Push(f.Small, 20, true, Ts(20));
        var video = a.Drain().Where(r => r is { Kind: FragmentKind.Media, TrackId: 1 }).Select(r => r.Tfdt).ToArray();

        // Closing the gap would put every later frame 18 intervals before its sound; the player skips the gap instead.
        Assert.Equal([0UL, 3000UL, 60000UL], video);
    }

    private static ulong Ntp(double seconds) => ((ulong)Math.Floor(seconds) << 32) | (ulong)((seconds - Math.Floor(seconds)) * 4294967296.0);
}
