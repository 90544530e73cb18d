using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// Every stream at rtsp://HOST:PORT/&lt;name&gt;, read by RTSP clients nobody here wrote (ffmpeg, GStreamer) over TCP
/// and UDP, with the camera's own codecs, from the one camera session every output shares.
/// </summary>
[Collection("e2e")]
public sealed partial class RtspRestreamTests : IDisposable
{
    private const string Secret = "an-rtsp-test-secret-of-at-least-32-chars";
    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-rtsp-").FullName;

    [Fact]
    public async Task Ffmpeg_and_GStreamer_play_every_frame_over_tcp_and_udp_with_the_cameras_codecs()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--gop", "60", "--audio", "pcma");
        var (server, rtsp) = await RtspRig.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}", "--LiveMux:Streams:cam:AlwaysOn=true");
        await using var _ = server;
        var url = rtsp + "/cam";
        await RtspRig.WaitLiveAsync(server, "cam", TimeSpan.FromSeconds(2));

        // H.264 and PCMA (G.711) unchanged: browsers get FLAC, RTSP clients the camera's own audio.
        Assert.Equal("h264,pcm_alaw", await RtspRig.CodecsAsync(url));

        RtspRig.AssertEveryFrame(await RtspRig.RecordVideoAsync(url, "tcp", 3, _dir), fps: 30, atLeast: 80);
        RtspRig.AssertEveryFrame(await RtspRig.RecordVideoAsync(url, "udp", 3, _dir), fps: 30, atLeast: 80);

        // Frigate reads its restream with these arguments.
        RtspRig.AssertEveryFrame(await RtspRig.RecordVideoAsync(url, "tcp", 2, _dir, "-timeout", "10000000"), fps: 30, atLeast: 50);

        foreach (var protocol in new[] { "tcp", "udp" })
        {
            var report = await RtspRig.GStreamerPlayAsync(url, protocol, "h264", 90);
            // 90 pictures with no step longer than one frame (33.3 ms): none lost.
            Assert.True(LargestStep(report) < 34, report);
        }

        // Every client above read the one camera session.
        Assert.Equal(1, camera.MaxSessions);
    }

    [Fact]
    public async Task Ten_mse_viewers_ten_rtsp_clients_and_snapshots_share_one_camera_session()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "15", "--gop", "30");
        var (server, rtsp) = await RtspRig.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}");
        await using var _ = server;
        var url = new Uri(rtsp + "/cam");

        var viewers = new List<WsViewer>();
        var readers = new List<(RawRtspClient Client, Task<int> Reading)>();
        using var stop = new CancellationTokenSource();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                viewers.Add(await WsViewer.ConnectAsync(server.WebSocketUrl("cam")));
                var client = await RawRtspClient.ConnectAsync(url);
                Assert.Equal(200, (await client.RequestAsync("DESCRIBE", url.ToString())).Status);
                var setup = await client.RequestAsync("SETUP", url + "/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1");
                Assert.Equal(200, setup.Status);
                Assert.Equal(200, (await client.RequestAsync("PLAY", url.ToString(), $"Session: {setup.Headers["Session"].Split(';')[0]}")).Status);
                readers.Add((client, ReadPacketsAsync(client, 200)));
            }

            var snapshots = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => server.Http.GetAsync(new Uri(server.BaseUrl, "api/frame.jpeg?src=cam"))));
            Assert.All(snapshots, r => Assert.Equal("image/jpeg", r.Content.Headers.ContentType?.MediaType));

            foreach (var viewer in viewers)
            {
                await viewer.WaitForAsync(v => v.BinaryMessages >= 30, TimeSpan.FromSeconds(30), "30 fragments");
            }

            Assert.All(await Task.WhenAll(readers.Select(r => r.Reading)), n => Assert.Equal(200, n));

            var stream = await server.StreamAsync("cam");
            Assert.Equal(10, stream.GetProperty("rtsp").GetProperty("clients").GetInt32());
            Assert.All(stream.GetProperty("rtsp").GetProperty("sessions").EnumerateArray(), s => Assert.Equal("tcp", s.GetProperty("transport").GetString()));
            Assert.True(stream.GetProperty("viewers").GetInt32() >= 20, stream.ToString());
            var metrics = await server.Http.GetStringAsync(new Uri(server.BaseUrl, "metrics"));
            Assert.Contains("livemux_stream_rtsp_clients{stream=\"cam\",mode=\"play\"} 10", metrics, StringComparison.Ordinal);
            Assert.Equal(1, camera.MaxSessions);
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                await viewer.DisposeAsync();
            }

            foreach (var (client, _) in readers)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Reads <paramref name="count"/> RTP packets (passing over sender reports), as a client that keeps up.</summary>
    private static async Task<int> ReadPacketsAsync(RawRtspClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await client.ReadRtpAsync();
        }

        return count;
    }

    [Fact]
    public async Task An_H265_and_AAC_camera_passes_through_unchanged()
    {
        // 15 fps: x265 on a busy two-core machine keeps up.
        await using var camera = await TestCamera.StartAsync(0, "--codec", "h265", "--fps", "15", "--gop", "30", "--audio", "aac");
        var (server, rtsp) = await RtspRig.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}", "--LiveMux:Streams:cam:AlwaysOn=true");
        await using var _ = server;
        var url = rtsp + "/cam";
        await RtspRig.WaitLiveAsync(server, "cam", TimeSpan.FromSeconds(2));

        Assert.Equal("hevc,aac", await RtspRig.CodecsAsync(url));
        RtspRig.AssertEveryFrame(await RtspRig.RecordVideoAsync(url, "udp", 3, _dir), fps: 15, atLeast: 40);
        var report = await RtspRig.GStreamerPlayAsync(url, "tcp", "h265", 45);
        Assert.True(LargestStep(report) < 67, report); // one frame is 66.7 ms
    }

    [Fact]
    public async Task Readers_need_a_viewer_token_as_the_password_in_token_mode()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "15");
        var (server, rtsp) = await RtspRig.StartAsync(
            $"--LiveMux:Streams:cam:Url={camera.Url()}", $"--LiveMux:Streams:open:Url={camera.Url()}",
            "--LiveMux:Auth:Viewers=token", $"--LiveMux:Auth:TokenSecret={Secret}", "--LiveMux:Auth:PublicStreams:0=open");
        await using var _ = server;
        using var mint = await server.Http.PostAsJsonAsync(new Uri(server.BaseUrl, "api/tokens"), new { stream = "cam", ttlSeconds = 300 });
        mint.EnsureSuccessStatusCode();
        var token = (await mint.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString()!;
        using var other = await server.Http.PostAsJsonAsync(new Uri(server.BaseUrl, "api/tokens"), new { stream = "open", ttlSeconds = 300 });
        var otherToken = (await other.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString()!;

        var refused = await Probe(rtsp + "/cam");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("401", refused.Stderr, StringComparison.Ordinal);

        var wrongStream = await Probe($"rtsp://viewer:{otherToken}@{rtsp[7..]}/cam");
        Assert.NotEqual(0, wrongStream.ExitCode);
        Assert.Contains("403", wrongStream.Stderr, StringComparison.Ordinal);

        var granted = await Probe($"rtsp://anyone:{token}@{rtsp[7..]}/cam");
        Assert.True(granted.ExitCode == 0, granted.Stderr);
        Assert.Equal("h264", granted.Stdout.Trim());

        // GStreamer sends the same credentials its own way.
        await RtspRig.GStreamerPlayAsync(rtsp + "/cam", "tcp", "h264", 15, "someone", token);

        var open = await Probe(rtsp + "/open");
        Assert.True(open.ExitCode == 0, open.Stderr);

        var missing = await Probe(rtsp + "/nosuch");
        Assert.Contains("404", missing.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(token, server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edge_relays_an_origin_over_rtsp_and_the_origin_sees_one_session()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--gop", "60");
        var (origin, originRtsp) = await RtspRig.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}");
        await using var _ = origin;
        var (edge, edgeRtsp) = await RtspRig.StartAsync($"--LiveMux:Streams:cam:Url={originRtsp}/cam");
        await using var __ = edge;

        // Browsers on the edge play, and RTSP readers of the edge get every frame.
        var viewers = new List<WsViewer>();
        for (var i = 0; i < 3; i++)
        {
            viewers.Add(await WsViewer.ConnectAsync(edge.WebSocketUrl("cam")));
        }

        foreach (var viewer in viewers)
        {
            await viewer.WaitForAsync(v => v.BinaryMessages >= 60, TimeSpan.FromSeconds(20), "60 fragments on the edge");
        }

        RtspRig.AssertEveryFrame(await RtspRig.RecordVideoAsync(edgeRtsp + "/cam", "tcp", 2, _dir), fps: 30, atLeast: 50);

        // The origin serves the edge one RTSP session, and the camera serves the origin one.
        var stream = await origin.StreamAsync("cam");
        Assert.Equal(1, stream.GetProperty("rtsp").GetProperty("clients").GetInt32());
        Assert.Equal(1, camera.MaxSessions);
        foreach (var viewer in viewers)
        {
            await viewer.DisposeAsync();
        }
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> Probe(string url) =>
        Tool.RunAsync("ffprobe", ["-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v:0", "-show_entries", "stream=codec_name", "-of", "csv=p=0", url],
            TimeSpan.FromSeconds(30));

    private static double LargestStep(string report) =>
        double.Parse(StepPattern().Match(report).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"largest pts step ([0-9.]+) ms")]
    private static partial Regex StepPattern();

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
