using System.Globalization;
using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>LiveMux with its RTSP server on free ports, and the independent RTSP clients that read it: ffmpeg and GStreamer.</summary>
internal static class RtspRig
{
    /// <summary>Starts LiveMux with the RTSP server on a free TCP port and a free UDP pair; returns it and its RTSP base URL.</summary>
    public static async Task<(LiveMuxProcess Server, string RtspBase)> StartAsync(params string[] configuration)
    {
        var port = LiveMuxProcess.FreePort();
        var server = await LiveMuxProcess.StartAsync([$"--LiveMux:Rtsp:Port={port}", "--LiveMux:Rtsp:UdpPort=0", .. configuration]);
        return (server, $"rtsp://127.0.0.1:{port}");
    }

    /// <summary>
    /// Waits until <paramref name="stream"/> has been live for <paramref name="settle"/>: a GStreamer camera's first
    /// second (its encoder starting on a busy machine) can come irregularly, and what is measured is LiveMux's passing
    /// on of a running camera.
    /// </summary>
    public static async Task WaitLiveAsync(LiveMuxProcess server, string stream, TimeSpan settle)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await server.StreamAsync(stream)).GetProperty("state").GetString() != "live")
        {
            Assert.True(DateTime.UtcNow < deadline, $"{stream} did not go live");
            await Task.Delay(100);
        }

        await Task.Delay(settle);
    }

    /// <summary>ffprobe's codec names of the URL's streams, in order (over TCP).</summary>
    public static async Task<string> CodecsAsync(string url)
    {
        var (exit, stdout, stderr) = await Tool.RunAsync("ffprobe",
            ["-v", "error", "-rtsp_transport", "tcp", "-show_entries", "stream=codec_name", "-of", "csv=p=0", url], TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"ffprobe {url}: {stderr}");
        return string.Join(",", stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>
    /// Records <paramref name="seconds"/> of the URL with ffmpeg (copy, no re-encode) over <paramref name="transport"/>
    /// with extra input options, and returns each video packet's pts (90 kHz) and keyframe flag, checked to decode
    /// without an error.
    /// </summary>
    public static async Task<IReadOnlyList<(long Pts, bool Key)>> RecordVideoAsync(string url, string transport, int seconds, string directory, params string[] inputOptions)
    {
        var file = Path.Combine(directory, $"rec-{Guid.NewGuid():N}.ts");
        var (exit, _, stderr) = await Tool.RunAsync("ffmpeg",
            ["-v", "error", "-rtsp_transport", transport, .. inputOptions, "-i", url, "-t", seconds.ToString(CultureInfo.InvariantCulture),
             "-map", "0:v", "-c", "copy", "-f", "mpegts", "-y", file],
            TimeSpan.FromSeconds(seconds + 30));
        Assert.True(exit == 0, $"ffmpeg over {transport}: {stderr}");

        var decode = await Tool.RunAsync("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"], TimeSpan.FromSeconds(60));
        Assert.True(decode.ExitCode == 0 && decode.Stderr.Trim().Length == 0, $"decoding the {transport} recording: {decode.Stderr}");

        var packets = await Tool.RunAsync("ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,flags", "-of", "csv=p=0", file], TimeSpan.FromSeconds(60));
        Assert.Equal(0, packets.ExitCode);
        return [.. packets.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Split(','))
            .Where(f => f[0] != "N/A")
            .Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), f[1].Contains('K', StringComparison.Ordinal)))];
    }

    /// <summary>Every step between consecutive video packets is one frame: nothing was lost or skipped.</summary>
    public static void AssertEveryFrame(IReadOnlyList<(long Pts, bool Key)> packets, int fps, int atLeast)
    {
        Assert.True(packets.Count >= atLeast, $"{packets.Count} packets, expected at least {atLeast}; pts: {string.Join(",", packets.Take(40).Select(p => p.Pts))}");
        Assert.True(packets[0].Key, "the recording starts at a keyframe");
        var frame = 90000 / fps;
        // ffmpeg's RTSP demuxer leaves the first packet without a pts, and the muxer's invented one can bump the
        // second by 1 tick (see DemoCameraFfmpegTests): exact steps are checked from the third packet on.
        var steps = packets.Skip(2).Zip(packets.Skip(3), (a, b) => b.Pts - a.Pts).ToList();
        Assert.True(steps.All(s => Math.Abs(s - frame) <= 1), $"pts steps other than {frame}: {string.Join(",", steps.Where(s => Math.Abs(s - frame) > 1).Take(10))}");
    }

    /// <summary>
    /// GStreamer's rtspsrc decodes <paramref name="frames"/> pictures; returns its report line. Its jitter buffer holds
    /// 2 s, so a packet that a loaded machine delays is still played rather than counted lost: a missing picture is
    /// then LiveMux's.
    /// </summary>
    public static async Task<string> GStreamerPlayAsync(string url, string protocol, string codec, int frames, string? user = null, string? password = null)
    {
        List<string> args = [RepoPaths.PlayCheckScript, url, "--frames", frames.ToString(CultureInfo.InvariantCulture), "--timeout", "40",
            "--protocol", protocol, "--codec", codec, "--latency", "2000"];
        if (user is not null)
        {
            args.AddRange(["--user", user, "--password", password ?? ""]);
        }

        var (exit, stdout, stderr) = await Tool.RunAsync(Tool.Python, args, TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"GStreamer over {protocol}: {stdout} {stderr}");
        return stdout.Trim();
    }
}
