using System.Text.Json;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// RTP over UDP from a real camera (GStreamer's RTSP server with Digest auth) to headless Chromium: clean, through
/// auto transport, with multi-slice frames, and through 2% loss with reordering. /api/streams says what arrived.
/// </summary>
[Collection("e2e")]
public sealed class UdpPlaybackTests(ITestOutputHelper output)
{
    private const string User = "admin";
    private const string Password = "s3cr:t@pass";

    [Theory]
    [Trait("Category", "Figures")]
    [InlineData("udp", 1, "udp", "none")]
    [InlineData("auto", 1, "udp", "none")]
    [InlineData("udp", 4, "udp", "none")]
    [InlineData("tcp", 4, "tcp", "none")]
    [InlineData("udp", 1, "udp", "aac")]
    [InlineData("udp", 1, "udp", "opus")]
    [InlineData("udp", 1, "udp", "pcma")]
    public async Task A_digest_camera_plays_in_the_browser_and_the_api_shows_its_rtp(string transport, int slices, string expected, string audio)
    {
        await using var camera = await TestCamera.StartAsync(0,
            "--user", User, "--password", Password, "--fps", "30", "--gop", "30", "--audio", audio,
            "--slices", slices.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var server = await LiveMuxProcess.StartAsync(
            $"--LiveMux:Streams:cam:Url={camera.Url(User, Password)}", $"--LiveMux:Streams:cam:Transport={transport}");
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(new Uri(server.BaseUrl, "player.html?src=cam"));

        var first = await PlayerState.WaitAsync(page, s => s.Status == "playing" && s.Frames >= 30, TimeSpan.FromSeconds(15), "playback");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var later = await PlayerState.ReadAsync(page);
        output.WriteLine($"{transport}, {slices} slice(s), audio {audio}: {later}");
        // 90 frames sent in 3 s. Bench: 60. CI: 30, what a starved machine still decodes; a stream that stops or
        // restarts loses more than the 2 GOPs between them.
        MachineFigures.AtLeast(later.Frames - first.Frames, 60, 30, "frames decoded in 3 s");
        if (audio != "none")
        {
            Assert.True(later.AudioBytes > first.AudioBytes, $"audio decoded: {first.AudioBytes} then {later.AudioBytes} bytes");
        }

        Assert.Equal((640, 360), (later.Width, later.Height));
        Assert.Empty(errors);

        var rtp = (await server.StreamAsync("cam")).GetProperty("rtp");
        output.WriteLine(rtp.ToString());
        Assert.Equal(expected, rtp.GetProperty("transport").GetString());
        Assert.Equal(JsonValueKind.Null, rtp.GetProperty("fallback").ValueKind);
        Assert.Equal(audio == "none" ? 1 : 2, rtp.GetProperty("tracks").GetArrayLength());
        var video = rtp.GetProperty("tracks")[0];
        Assert.True(video.GetProperty("received").GetInt64() > 100, video.ToString());
        Assert.Equal(0, video.GetProperty("lost").GetInt64()); // loopback, no impairment
        Assert.DoesNotContain(Password, rtp.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// camera (1 s GOP) -> impair proxy (2% loss, 5% reordered) -> LiveMux over UDP -> Chromium, sampled for 18 s
    /// from the page (video.currentTime and decoded frames every 100 ms) and from the server (fragments sent).
    /// After a loss the depacketizer drops to the next keyframe and LiveMux asks for one (RTCP PLI); the freezes
    /// the viewer sees must be the server's, with nothing added by the hub's timeline or the player.
    /// At 1 Mbit/s (~145 packets/s, ~3 losses/s, keyframes of ~13 packets) a requested keyframe is often hit
    /// too; asking again after 150 ms keeps the longest freeze under one GOP (measured 0.5 s; waiting for the
    /// camera's own next keyframe instead froze the picture for 1.5-2.4 s).
    /// </summary>
    [Fact]
    [Trait("Category", "Figures")]
    public async Task Two_percent_loss_with_reordering_keeps_the_video_playing_and_the_player_adds_no_stall()
    {
        const int Fps = 30;
        await using var camera = await TestCamera.StartAsync(0, "--user", User, "--password", Password, "--fps", $"{Fps}", "--gop", $"{Fps}");
        await using var proxy = await ImpairProxy.StartAsync(camera.Port, lossPercent: 2, reorderPercent: 5, seed: 7);
        await using var server = await LiveMuxProcess.StartAsync(
            $"--LiveMux:Streams:cam:Url={proxy.Url(camera.Path, User, Password)}", "--LiveMux:Streams:cam:Transport=udp");
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(new Uri(server.BaseUrl, "player.html?src=cam"));
        await PlayerState.WaitAsync(page, s => s.Status == "playing" && s.Frames >= 15, TimeSpan.FromSeconds(15), "playback");

        var window = TimeSpan.FromSeconds(18);
        var sent = SampleServerAsync(server, window);
        var samples = await SampleProgressAsync(page, window);
        var serverSamples = await sent;
        var pictureFreezes = Freezes(samples, s => s.Frames);
        var playheadStalls = Freezes(samples, s => s.CurrentTime);
        var outputGaps = Freezes(serverSamples, s => s.Frames);
        var end = await PlayerState.ReadAsync(page);
        var (relayed, _, dropped, reordered) = await proxy.StatsAsync();
        var rtp = (await server.StreamAsync("cam")).GetProperty("rtp");
        var video = rtp.GetProperty("tracks")[0];
        var loss = video.GetProperty("lossRatio").GetDouble();

        var decoded = samples[^1].Frames - samples[0].Frames;
        var sentFrames = serverSamples[^1].Frames - serverSamples[0].Frames;
        var played = samples[^1].CurrentTime - samples[0].CurrentTime;
        output.WriteLine($"page: {decoded} frames decoded in {window.TotalSeconds:0} s (server sent {sentFrames}), playhead +{played:0.00} s");
        output.WriteLine($"picture: longest freeze {pictureFreezes.Longest:0.000} s, {pictureFreezes.Count} freezes >= 200 ms");
        output.WriteLine($"playhead: longest stall {playheadStalls.Longest:0.000} s, {playheadStalls.Count} stalls >= 200 ms");
        output.WriteLine($"server output: longest gap {outputGaps.Longest:0.000} s, {outputGaps.Count} gaps >= 200 ms; player {end}");
        output.WriteLine($"proxy: {relayed} RTP in, {dropped} dropped ({100.0 * dropped / Math.Max(1, relayed):0.00}%), {reordered} reordered");
        output.WriteLine($"api: {rtp}");

        Assert.InRange(loss, 0.005, 0.05);
        Assert.True(video.GetProperty("reordered").GetInt64() > 0, video.ToString());
        Assert.True(rtp.GetProperty("keyframeRequests").GetInt64() > 0, rtp.ToString());

        // It keeps playing: at least 5 frames a second on average, and the playhead moves with what arrives.
        Assert.True(decoded >= 90, $"only {decoded} frames decoded in {window.TotalSeconds:0} s");
        Assert.True(played >= decoded / (double)Fps * 0.8 - 0.3, $"playhead +{played:0.00} s for {decoded} frames");

        // The player shows what the server sends, and adds no freeze of its own (sampling is 100 ms at both ends).
        // Bench: 85% of the sent frames decoded, the page's longest freeze within 0.5 s of the server's and under
        // one GOP (1 s). CI, where the browser's decoder and timers share two busy cores: 70%, 1 s more than the
        // server's, and 1.5 s, which only waiting for the camera's own keyframes instead of asking reaches (the
        // longest freeze then measured 1.5-2.4 s).
        MachineFigures.AtLeast(decoded, sentFrames * 0.85 - 10, sentFrames * 0.70 - 10, $"frames decoded of {sentFrames} sent");
        MachineFigures.AtMost(pictureFreezes.Longest - outputGaps.Longest, 0.5, 1.0, $"page froze {pictureFreezes.Longest:0.000} s, server output paused at most {outputGaps.Longest:0.000} s: the difference (s)");
        MachineFigures.AtMost(pictureFreezes.Longest, 0.999, 1.5, "the picture's longest freeze (s; one GOP is 1 s)");
        Assert.Equal("playing", end.Status);
        Assert.Empty(errors);
    }

    /// <summary>Fragments the server has sent (one per frame for the one viewer), every 100 ms from /api/streams.</summary>
    private static async Task<List<Sample>> SampleServerAsync(LiveMuxProcess server, TimeSpan duration)
    {
        var samples = new List<Sample>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var counters = (await server.StreamAsync("cam")).GetProperty("counters");
            samples.Add(new Sample(clock.Elapsed.TotalSeconds, 0, counters.GetProperty("fragmentsOut").GetInt64()));
            await Task.Delay(100);
        }

        return samples;
    }

    private sealed record Sample(double At, double CurrentTime, long Frames);

    /// <summary>The page samples its own video every 100 ms (no round trip per sample), then hands the list over.</summary>
    private static async Task<List<Sample>> SampleProgressAsync(IPage page, TimeSpan duration)
    {
        var json = await page.EvaluateAsync<JsonElement>(
            """
            (ms) => new Promise((resolve) => {
              const v = document.querySelector('livemux-player').video;
              const out = [];
              const t0 = performance.now();
              const take = () => out.push([(performance.now() - t0) / 1000, v.currentTime, v.getVideoPlaybackQuality().totalVideoFrames]);
              take();
              const timer = setInterval(() => {
                take();
                if (performance.now() - t0 >= ms) { clearInterval(timer); resolve(out); }
              }, 100);
            })
            """, duration.TotalMilliseconds);
        return [.. json.EnumerateArray().Select(a => new Sample(a[0].GetDouble(), a[1].GetDouble(), a[2].GetInt64()))];
    }

    /// <summary>The longest time <paramref name="progress"/> did not rise, and how many such intervals lasted 200 ms or more.</summary>
    private static (double Longest, int Count) Freezes(List<Sample> samples, Func<Sample, double> progress)
    {
        var longest = 0.0;
        var count = 0;
        var since = samples[0].At;
        var last = progress(samples[0]);
        foreach (var s in samples.Skip(1))
        {
            if (progress(s) > last)
            {
                var frozen = s.At - since;
                longest = Math.Max(longest, frozen);
                count += frozen >= 0.2 ? 1 : 0;
                since = s.At;
                last = progress(s);
            }
        }

        var tail = samples[^1].At - since;
        return (Math.Max(longest, tail), count + (tail >= 0.2 ? 1 : 0));
    }
}
