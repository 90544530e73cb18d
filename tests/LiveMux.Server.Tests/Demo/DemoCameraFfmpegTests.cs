using System.Globalization;
using LiveMux.Server.Demo;
using LiveMux.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveMux.Server.Tests.Demo;

/// <summary>
/// The demo camera (the clip through the RTSP egress and LiveMux.Rtsp's server), checked by independent RTSP clients
/// and decoders: ffmpeg, ffprobe and GStreamer. These tests fail (they do not skip) when a tool is missing.
/// </summary>
public sealed class DemoCameraFfmpegTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-demo-").FullName;

    [Fact]
    public async Task Ffmpeg_records_8_seconds_across_a_loop_boundary_that_decode_cleanly_in_real_time()
    {
        await using var server = new DemoCamera(new DemoCameraOptions(), NullLogger<DemoCamera>.Instance, TimeProvider.System);
        await server.StartAsync(CancellationToken.None);
        string h264 = Path.Combine(_dir, "out.h264");
        string ts = Path.Combine(_dir, "out.ts");

        var record = await ExternalTool.RunAsync("ffmpeg", TimeSpan.FromSeconds(60),
            "-v", "error", "-rtsp_transport", "tcp", "-i", server.Url.ToString(),
            "-t", "8", "-c", "copy", "-f", "h264", "-y", h264,
            "-t", "8", "-c", "copy", "-f", "mpegts", "-y", ts);
        Assert.True(record.ExitCode == 0, record.StdErr);
        Assert.Equal("", record.StdErr.Trim());
        // Paced in real time: 8 s of media cannot arrive much faster than 8 s (a burst would take < 1 s).
        Assert.InRange(record.Elapsed, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(30));

        var decode = await ExternalTool.RunAsync("ffmpeg", TimeSpan.FromSeconds(60), "-v", "error", "-i", h264, "-f", "null", "-");
        Assert.Equal(0, decode.ExitCode);
        Assert.Equal("", decode.StdErr.Trim());

        var probe = await ExternalTool.RunAsync("ffprobe", TimeSpan.FromSeconds(60),
            "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", h264);
        Assert.Equal(0, probe.ExitCode);
        string[] fields = probe.StdOut.Trim().Split(',');
        Assert.Equal("h264", fields[0]);
        Assert.Equal("640", fields[1]);
        Assert.Equal("360", fields[2]);
        int frames = int.Parse(fields[3], CultureInfo.InvariantCulture);
        Assert.InRange(frames, 235, 245); // 8 s x 30 fps, more than one 180-frame loop

        // Timestamps are continuous across the loop: every step is one frame (3000 at 90 kHz).
        var packets = await ExternalTool.RunAsync("ffprobe", TimeSpan.FromSeconds(60),
            "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,flags", "-of", "csv=p=0", ts);
        Assert.Equal(0, packets.ExitCode);
        var rows = packets.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Split(','))
            .Select(f => (Pts: long.Parse(f[0], CultureInfo.InvariantCulture), Key: f[1].Contains('K')))
            .ToList();
        Assert.InRange(rows.Count, 235, 245);
        Assert.True(rows[0].Key, "the recording starts at an IDR");
        // ffmpeg's RTSP demuxer leaves the first packet without a pts (it does the same against GStreamer's
        // rtsp-server); the muxer invents one, which collides with the second frame's and bumps it by 1.
        // So exact continuity is checked from the third frame on, across the loop boundary at frame 180.
        Assert.All(rows.Skip(2).Zip(rows.Skip(3)), p => Assert.Equal(3000, p.Second.Pts - p.First.Pts));
        Assert.True(rows[0].Pts < rows[1].Pts && rows[1].Pts < rows[2].Pts);
        Assert.Equal(Enumerable.Range(0, rows.Count).Where(i => i % 30 == 0), Enumerable.Range(0, rows.Count).Where(i => rows[i].Key));
    }

    [Fact]
    public async Task Ffprobe_reads_the_stream_description()
    {
        await using var server = new DemoCamera(new DemoCameraOptions(), NullLogger<DemoCamera>.Instance, TimeProvider.System);
        await server.StartAsync(CancellationToken.None);

        var probe = await ExternalTool.RunAsync("ffprobe", TimeSpan.FromSeconds(30),
            "-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v:0",
            "-show_entries", "stream=codec_name,profile,width,height,avg_frame_rate", "-of", "csv=p=0", server.Url.ToString());
        Assert.True(probe.ExitCode == 0, probe.StdErr);
        Assert.Equal("h264,Main,640,360,30/1", probe.StdOut.Trim());
    }

    [Fact]
    public async Task Ffmpeg_decodes_30_frames_without_an_error()
    {
        await using var server = new DemoCamera(new DemoCameraOptions(), NullLogger<DemoCamera>.Instance, TimeProvider.System);
        await server.StartAsync(CancellationToken.None);

        var decode = await ExternalTool.RunAsync("ffmpeg", TimeSpan.FromSeconds(60),
            "-hide_banner", "-nostats", "-v", "error", "-rtsp_transport", "tcp", "-i", server.Url.ToString(),
            "-frames:v", "30", "-f", "null", "-");
        Assert.True(decode.ExitCode == 0, decode.StdErr);
        Assert.Equal("", decode.StdErr.Trim());

        // The same, counted: ffmpeg reports the frames it decoded on its progress line.
        var counted = await ExternalTool.RunAsync("ffmpeg", TimeSpan.FromSeconds(60),
            "-hide_banner", "-nostats", "-v", "info", "-rtsp_transport", "tcp", "-i", server.Url.ToString(),
            "-frames:v", "30", "-f", "null", "-");
        Assert.True(counted.ExitCode == 0, counted.StdErr);
        Assert.Matches(@"frame=\s*30\b", counted.StdErr);
    }

    [Fact]
    public async Task Gstreamer_rtspsrc_plays_and_decodes_it()
    {
        await using var server = new DemoCamera(new DemoCameraOptions(), NullLogger<DemoCamera>.Instance, TimeProvider.System);
        await server.StartAsync(CancellationToken.None);

        var play = await Tool.RunAsync(Tool.Python, [RepoPaths.PlayCheckScript, server.Url.ToString(), "--frames", "60", "--timeout", "40"],
            TimeSpan.FromSeconds(60));
        Assert.True(play.ExitCode == 0, play.Stdout + play.Stderr);
        Assert.Contains("decoded 60 frames", play.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
