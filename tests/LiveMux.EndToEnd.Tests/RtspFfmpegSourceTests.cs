using System.Globalization;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// Streams whose source is ffmpeg (a looping file here) are served at rtsp://HOST:PORT/&lt;name&gt; like cameras: their
/// typed formats come from ffmpeg's MP4 sample entries, and their times from the MP4 track's timescale (15360 Hz for
/// this video) are rescaled to the RTP clock (90 kHz).
/// </summary>
[Collection("e2e")]
public sealed class RtspFfmpegSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-rtsp-ffmpeg-").FullName;

    [Fact]
    public async Task A_looping_file_with_h264_and_aac_and_one_with_h265_are_served_over_rtsp()
    {
        // 20 s: the recording below, taken from 1.5 s on, never spans the loop point (where ffmpeg's -stream_loop
        // leaves a gap in the video as long as the audio outlasts it).
        var h264 = Clip("h264-aac-15360.mp4", 30, 20, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-video_track_timescale", "15360");
        var h265 = Clip("h265.mp4", 15, 2, "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:bframes=0", "-tag:v", "hvc1", "-an");
        await Task.WhenAll(h264, h265);
        var (server, rtsp) = await RtspRig.StartAsync(
            $"--LiveMux:Streams:clip:Ffmpeg:Input={await h264}", "--LiveMux:Streams:clip:Ffmpeg:InputOptions=-re -stream_loop -1",
            "--LiveMux:Streams:clip:AlwaysOn=true",
            $"--LiveMux:Streams:hevc:Ffmpeg:Input={await h265}", "--LiveMux:Streams:hevc:Ffmpeg:InputOptions=-re -stream_loop -1",
            "--LiveMux:Streams:hevc:AlwaysOn=true");
        await using var _ = server;

        // Away from the timeline's zero, where a time converted with the wrong clock is still right.
        await RtspRig.WaitLiveAsync(server, "clip", TimeSpan.FromSeconds(1.5));

        var recording = Path.Combine(_dir, "clip.ts");
        var (exit, _, stderr) = await Tool.RunAsync("ffmpeg",
            ["-v", "error", "-rtsp_transport", "tcp", "-i", rtsp + "/clip", "-map", "0", "-c", "copy", "-t", "3", "-f", "mpegts", "-y", recording],
            TimeSpan.FromSeconds(40));
        Assert.True(exit == 0, $"ffmpeg reading rtsp {rtsp}/clip: {stderr}\n{server.Log}");

        var decode = await Tool.RunAsync("ffmpeg", ["-v", "error", "-i", recording, "-f", "null", "-"], TimeSpan.FromSeconds(60));
        Assert.True(decode.ExitCode == 0 && decode.Stderr.Trim().Length == 0, $"decoding the recording: {decode.Stderr}");
        // MPEG-TS lists its streams once more under its program: one line per stream index.
        var codecs = await Tool.RunAsync("ffprobe", ["-v", "error", "-show_entries", "stream=index,codec_name", "-of", "csv=p=0", recording], TimeSpan.FromSeconds(30));
        Assert.Equal("0,h264 1,aac", string.Join(" ", codecs.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct()));

        // One frame is 512 ticks at 15360 Hz and must be 3000 at 90 kHz: without the rescale every step is 512.
        RtspRig.AssertEveryFrame(await PacketsAsync(recording, "v:0"), fps: 30, atLeast: 80);
        var audio = await PacketsAsync(recording, "a:0");
        Assert.True(audio.Count >= 120, $"{audio.Count} AAC frames in 3 s");
        // 1024 samples at 48 kHz are 1920 ticks at 90 kHz. ffmpeg times each track from its own first packet until
        // the sender reports place the tracks on one clock: the audio then moves once, by where its first frame lay
        // against the keyframe, under one frame. An NTP time off by the timescale would move it by seconds.
        var audioSteps = audio.Skip(2).Zip(audio.Skip(3), (a, b) => b.Pts - a.Pts).ToList();
        var irregular = audioSteps.Where(s => Math.Abs(s - 1920) > 1).ToList();
        Assert.True(irregular.Count <= 1 && irregular.All(s => Math.Abs(s - 1920) < 1920),
            $"AAC pts steps other than 1024 samples: {string.Join(",", irregular.Take(10))} of {audioSteps.Count}");
        Assert.DoesNotContain("has no RTP format", server.Log, StringComparison.Ordinal);

        // Live already, so the probe measures the RTSP path and not how fast a busy machine starts ffmpeg.
        await RtspRig.WaitLiveAsync(server, "hevc", TimeSpan.Zero);
        Assert.Equal("hevc", await RtspRig.CodecsAsync(rtsp + "/hevc"));
    }

    private async Task<string> Clip(string name, int fps, int seconds, params string[] codecArgs)
    {
        var path = Path.Combine(_dir, name);
        var (code, _, stderr) = await Tool.RunAsync("ffmpeg",
        [
            "-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc=size=320x240:rate={fps}", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", seconds.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p", "-g", fps.ToString(CultureInfo.InvariantCulture), .. codecArgs, path,
        ], TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"ffmpeg could not make {name}: {stderr}");
        return path;
    }

    /// <summary>The pts (90 kHz) and keyframe flag of each packet of one stream of a recording.</summary>
    private static async Task<List<(long Pts, bool Key)>> PacketsAsync(string file, string stream)
    {
        var (code, stdout, stderr) = await Tool.RunAsync("ffprobe",
            ["-v", "error", "-select_streams", stream, "-show_entries", "packet=pts,flags", "-of", "csv=p=0", file], TimeSpan.FromSeconds(30));
        Assert.True(code == 0, stderr);
        return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Split(','))
            .Where(f => f[0] != "N/A")
            .Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), f[1].Contains('K', StringComparison.Ordinal)))];
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
