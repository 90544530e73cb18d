using System.Globalization;
using System.Text.RegularExpressions;
using LiveMux.Hub.Sources;
using LiveMux.Hub.Sources.Ffmpeg;
using LiveMux.Hub.Tests.Infrastructure;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Tests;

namespace LiveMux.Hub.Tests.Sources.Ffmpeg;

/// <summary>The source against the real ffmpeg, and against small scripts standing in for a failing one.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class FfmpegSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-ffmpeg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class RecordingSink : ISampleSink
    {
        public List<(int Track, string Codec, long Dts, bool Key, int Length)> Units { get; } = [];

        public int Sessions { get; private set; }

        public int TrackCount { get; private set; }

        public long Bytes { get; private set; }

        /// <summary>The session, format and config calls in the order they came.</summary>
        public List<string> Calls { get; } = [];

        public void OnSessionStarted(int trackCount)
        {
            Sessions++;
            TrackCount = trackCount;
            Calls.Add($"session {trackCount}");
        }

        public void OnTrackFormat(int track, MediaFormat format) => Calls.Add($"format {track} {format.EncodingName}/{format.ClockRate}");

        public void OnTrackConfig(int track, TrackConfig config) => Calls.Add($"config {track} {config.Codec[..4]}");

        public void OnSample(int track, TrackConfig config, Sample sample)
        {
            lock (Units)
            {
                Units.Add((track, config.Codec, sample.DecodeTime, sample.IsKeyframe, sample.Length));
            }

            sample.Release();
        }

        public void OnSenderReport(int track, RtcpSenderReport report)
        {
        }

        public void OnPacket(int bytes) => Bytes += bytes;

        public void OnDrop(DropReason reason)
        {
        }

        public int Count
        {
            get
            {
                lock (Units)
                {
                    return Units.Count;
                }
            }
        }
    }

    private static FfmpegSource Source(FfmpegOptions options, string inputOptions, ListLogger log, double firstOutputSeconds = 10, double mediaSeconds = 5, string ffmpegPath = "")
    {
        Assert.True(FfmpegArguments.TryTokenize(inputOptions, out var tokens, out _));
        return new FfmpegSource(options, tokens, TimeSpan.FromSeconds(firstOutputSeconds), TimeSpan.FromSeconds(mediaSeconds), log, TimeProvider.System, ffmpegPath: ffmpegPath);
    }

    private string Script(string body)
    {
        var path = Path.Combine(_dir, "fake-ffmpeg-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [GeneratedRegex(@"pid (\d+)")]
    private static partial Regex Pid();

    private static int StartedPid(ListLogger log) =>
        int.Parse(Pid().Match(log.Entries.First(e => e.EventId == 2101).Message).Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Real_ffmpeg_frames_arrive_in_order_and_stopping_kills_and_reaps_the_process()
    {
        var log = new ListLogger();
        var source = Source(new FfmpegOptions { Input = "testsrc=size=160x120:rate=25", Video = FfmpegVideo.H264, Audio = FfmpegAudio.None }, "-re -f lavfi", log);
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await Wait.UntilAsync(() => sink.Count >= 15, "15 frames from ffmpeg");
        var pid = StartedPid(log);
        Assert.True(Directory.Exists($"/proc/{pid}"), "ffmpeg is not running while frames arrive");

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"ffmpeg {pid} is still there (running or a zombie) after the session stopped");

        Assert.Equal(1, sink.Sessions);
        Assert.Equal(1, sink.TrackCount);
        var units = sink.Units.ToArray();
        Assert.True(units[0].Key, "the first frame is not a keyframe");
        Assert.All(units, u => Assert.StartsWith("avc1.", u.Codec, StringComparison.Ordinal));
        Assert.True(units.Zip(units.Skip(1)).All(p => p.Second.Dts > p.First.Dts), "decode times do not increase");
        Assert.True(sink.Bytes >= units.Sum(u => u.Length));
        Assert.Contains(log.Entries, e => e.EventId == 2104);
    }

    public static TheoryData<string, string> Failures => new()
    {
        { "echo \"[rtsp @ 0x1] method DESCRIBE failed for rtsp://admin:secret@cam/live: 401 Unauthorized\" >&2; exit 1", "ffmpeg exited with code 1: [rtsp @ 0x1] method DESCRIBE failed for rtsp://***:***@cam/live: 401 Unauthorized" },
        { "echo 'end of the clip' >&2; exit 0", "ffmpeg ended: the input finished (end of the clip)" },
        { "head -c 5000 /dev/urandom; sleep 5", "ffmpeg's output could not be demuxed: " },
        { "sleep 30", "ffmpeg produced no media for 0.5 s" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failing_ffmpeg_is_a_clear_source_error_and_leaves_no_process(string script, string expected)
    {
        var log = new ListLogger();
        var source = Source(new FfmpegOptions { Input = "rtsp://admin:secret@cam/live" }, "", log, firstOutputSeconds: 0.5, ffmpegPath: Script(script));
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<StreamSourceException>(() => source.RunAsync(new RecordingSink(), CancellationToken.None));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message);
        Assert.DoesNotContain(log.Entries, e => e.Message.Contains("secret", StringComparison.Ordinal));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the failure took too long to notice");
        Assert.False(Directory.Exists($"/proc/{StartedPid(log)}"), "the process is still there");
    }

    [Fact]
    public async Task Missing_ffmpeg_says_how_to_fix_it()
    {
        var source = Source(new FfmpegOptions { Input = "a.mp4" }, "", new ListLogger(), ffmpegPath: Path.Combine(_dir, "no-such-ffmpeg"));
        var error = await Assert.ThrowsAsync<StreamSourceException>(() => source.RunAsync(new RecordingSink(), CancellationToken.None));
        Assert.StartsWith("ffmpeg not found: install ffmpeg or set LiveMux:Ffmpeg:Path", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FfmpegAudio.Aac, "MPEG4-GENERIC/48000", "mp4a")]
    [InlineData(FfmpegAudio.Opus, "opus/48000", "opus")]
    public async Task Each_tracks_typed_format_comes_before_the_configs_so_the_stream_is_served_over_rtsp(FfmpegAudio audio, string audioFormat, string audioCodec)
    {
        var log = new ListLogger();
        var source = Source(new FfmpegOptions
        {
            Input = "testsrc=size=160x120:rate=25[out0];sine=frequency=440:sample_rate=48000[out1]",
            Video = FfmpegVideo.H264,
            Audio = audio,
        }, "-re -f lavfi", log);
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await Wait.UntilAsync(() => sink.Count >= 5, "5 units from ffmpeg");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        // The stream's format is made when the last config comes: the formats must be known by then.
        Assert.Equal(["session 2", "format 0 H264/90000", $"format 1 {audioFormat}", "config 0 avc1", $"config 1 {audioCodec}"], sink.Calls);
        Assert.DoesNotContain(log.Entries, e => e.EventId == 2107);
    }

    [Fact]
    public async Task A_track_without_an_rtp_format_is_still_carried_and_says_why_it_is_not_served_over_rtsp()
    {
        // ffmpeg 5 muxes FLAC into MP4 only with -strict -2, which an input cannot ask for: a script replays such output.
        var output = Path.Combine(_dir, "h264-flac.mp4");
        var (code, _, stderr) = await Tool.RunAsync("ffmpeg",
            ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
             "-t", "1", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "flac", "-strict", "-2",
             "-f", "mp4", "-movflags", "empty_moov+default_base_moof", "-frag_duration", "1", output], TimeSpan.FromSeconds(60));
        Assert.True(code == 0, stderr);
        var log = new ListLogger();
        var source = Source(new FfmpegOptions { Input = "clip.mkv" }, "", log, ffmpegPath: Script($"cat '{output}'"));
        var sink = new RecordingSink();
        var ended = await Assert.ThrowsAsync<StreamSourceException>(() => source.RunAsync(sink, CancellationToken.None));
        Assert.StartsWith("ffmpeg ended: the input finished", ended.Message, StringComparison.Ordinal);
        Assert.True(sink.Units.Count(u => u.Codec == "flac") > 5, "the FLAC track is still carried");

        Assert.Equal(["session 2", "format 0 H264/90000", "config 0 avc1", "config 1 flac"], sink.Calls);
        var why = Assert.Single(log.Entries, e => e.EventId == 2107);
        Assert.Equal("ffmpeg output track 2 is not served over RTSP: fLaC has no RTP payload format LiveMux writes", why.Message);
    }

    [Fact]
    public async Task The_description_never_shows_credentials()
    {
        var source = Source(new FfmpegOptions { Input = "rtmp://user:secret@host/app?token=t0k3n", Video = FfmpegVideo.H264 }, "", new ListLogger());
        Assert.Equal("ffmpeg rtmp://***:***@host/app?token=*** (transcoded to H.264)", source.Description);
        await Task.CompletedTask;
    }
}
