using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Media.Formats;
using LiveMux.Media.Rtp;
using LiveMux.Media.Sdp;
using LiveMux.Tests;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// H.264 with audio from a real camera, in headless Chromium: the audio is decoded, not only sent.
/// These need the audio depacketizers (AAC, Opus, G.711); each test first says so if they are missing.
/// </summary>
[Collection("e2e")]
public sealed class AudioPlaybackTests(ITestOutputHelper output)
{
    // The track the test camera announces for each --audio choice, as the SDP parser would make it.
    private static MediaTrack Announced(string audio) => audio switch
    {
        "aac" => new MediaTrack
        {
            MediaType = "audio",
            PayloadType = 97,
            EncodingName = "MPEG4-GENERIC",
            ClockRate = 48000,
            FormatParameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["streamtype"] = "5", ["profile-level-id"] = "2", ["mode"] = "AAC-hbr", ["config"] = "1188",
                ["sizelength"] = "13", ["indexlength"] = "3", ["indexdeltalength"] = "3",
            },
        },
        "opus" => new MediaTrack { MediaType = "audio", PayloadType = 97, EncodingName = "OPUS", ClockRate = 48000, Channels = 2 },
        "pcma" => new MediaTrack { MediaType = "audio", PayloadType = 8, EncodingName = "PCMA", ClockRate = 8000 },
        _ => throw new ArgumentOutOfRangeException(nameof(audio)),
    };

    private static void RequireDepacketizer(string audio) =>
        Assert.True(MediaFormat.IsSupported(Announced(audio)), $"no depacketizer for {audio} audio in this build (it comes with the audio codec work)");

    [Theory]
    [Trait("Category", "Figures")]
    [InlineData("aac", "mp4a.40.2", "mp4a.40.2")]
    [InlineData("opus", "opus", "opus")]
    [InlineData("pcma", "flac", "alaw")]
    public async Task Video_with_audio_plays_and_the_audio_is_decoded(string audio, string codec, string cameraCodec)
    {
        RequireDepacketizer(audio);
        await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--gop", "30", "--audio", audio);
        await using var server = await LiveMuxProcess.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}");
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(new Uri(server.BaseUrl, "player.html?src=cam"));

        var playing = await PlayerState.WaitAsync(page, s => s.Status == "playing" && s.Frames >= 30, TimeSpan.FromSeconds(20), "playback");
        Assert.Contains(codec, playing.Codec, StringComparison.Ordinal);
        var decoded = await PlayerState.WaitAsync(page, s => s.AudioBytes > 0 && s.Frames >= playing.Frames + 30, TimeSpan.FromSeconds(10), "decoded audio");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var later = await PlayerState.ReadAsync(page);
        output.WriteLine($"{audio}: {decoded}\n3 s later: {later}");
        // 90 frames sent in 3 s. Bench: 60. CI: 30, what a starved machine still decodes; a stream that stops or
        // restarts loses more than the 2 GOPs between them.
        MachineFigures.AtLeast(later.Frames - decoded.Frames, 60, 30, "frames decoded in 3 s");
        Assert.True(later.AudioBytes > decoded.AudioBytes, "audio decoding stopped");
        // The player's lag behind live. Bench: 0.6 s. CI: 1 s, which a busy machine's few late frames stay under and a
        // player that stays on the cached keyframe's GOP or lets its buffer grow does not.
        MachineFigures.AtMost(later.Latency, 0.599, 1.0, "latency (s)");
        Assert.Empty(errors);

        // The API lists the camera's own codecs (G.711 stays G.711 on the hub) and, as the MIME type, what browsers get.
        var view = await server.StreamAsync("cam");
        var tracks = view.GetProperty("tracks");
        Assert.Equal(2, tracks.GetArrayLength());
        Assert.Equal("video", tracks[0].GetProperty("kind").GetString());
        Assert.Equal("audio", tracks[1].GetProperty("kind").GetString());
        Assert.Equal(cameraCodec, tracks[1].GetProperty("codec").GetString());
        Assert.EndsWith($",{codec}\"", view.GetProperty("mime").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_that_cannot_play_the_audio_gets_the_video_alone()
    {
        RequireDepacketizer("opus");
        await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--gop", "30", "--audio", "opus");
        await using var server = await LiveMuxProcess.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}");
        await using var withAudio = await WsViewer.ConnectAsync(server.WebSocketUrl("cam"), "avc1.42E01E,avc1.640029,opus");
        await using var videoOnly = await WsViewer.ConnectAsync(server.WebSocketUrl("cam"), "avc1.42E01E,avc1.640029,mp4a.40.2", record: true);
        await videoOnly.WaitForAsync(v => v.BinaryMessages > 40, TimeSpan.FromSeconds(20), "video fragments");
        await withAudio.WaitForAsync(v => v.BinaryMessages > 40, TimeSpan.FromSeconds(5), "fragments with audio");

        Assert.True(withAudio.HasMessage("mse", m => m.Contains("opus", StringComparison.Ordinal)), string.Join(" | ", withAudio.Messages));
        Assert.True(videoOnly.HasMessage("mse", m => m.Contains("avc1", StringComparison.Ordinal) && !m.Contains(',', StringComparison.Ordinal)), string.Join(" | ", videoOnly.Messages));
        Assert.False(videoOnly.HasMessage("error"));

        // /api/stream.mp4 carries every track, whatever a browser could play.
        var mp4 = Path.Combine(RepoPaths.ArtifactDirectory, "stream-with-audio.mp4");
        await File.WriteAllBytesAsync(mp4, await ReadPrefixAsync(server, "cam", 512 * 1024));
        var (mp4Exit, mp4Streams, mp4Errors) = await Tool.RunAsync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", mp4], TimeSpan.FromSeconds(30));
        Assert.True(mp4Exit == 0, mp4Errors);
        Assert.Equal("h264\nopus", mp4Streams.Trim().ReplaceLineEndings("\n"));

        // Its recording is a playable video-only fMP4: one track, which an independent decoder reads.
        var file = Path.Combine(RepoPaths.ArtifactDirectory, "video-only-viewer.mp4");
        await File.WriteAllBytesAsync(file, videoOnly.Recording);
        var (exit, stdout, stderr) = await Tool.RunAsync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", file], TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, stderr);
        Assert.Equal("video", stdout.Trim());
    }

    [Fact]
    [Trait("Category", "Figures")]
    public async Task A_camera_that_comes_back_without_its_audio_plays_on_in_the_same_page()
    {
        RequireDepacketizer("aac");
        await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--gop", "30", "--audio", "aac");
        var port = camera.Port;
        await using var server = await LiveMuxProcess.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}");
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(new Uri(server.BaseUrl, "player.html?src=cam"));
        await page.EvaluateAsync("() => { window.__noReload = 42; }");
        var first = await PlayerState.WaitAsync(page, s => s.Status == "playing" && s.Frames >= 30 && s.AudioBytes > 0, TimeSpan.FromSeconds(20), "playback with audio");
        Assert.Contains("mp4a.40.2", first.Codec, StringComparison.Ordinal);

        // Back on the same port with video only: one track fewer, so the player needs a new SourceBuffer.
        await camera.DisposeAsync();
        await using var returned = await TestCamera.StartAsync(port, "--fps", "30", "--gop", "30");
        var videoOnly = await PlayerState.WaitAsync(page, s => s.Codec.Length > 0 && !s.Codec.Contains(',', StringComparison.Ordinal), TimeSpan.FromSeconds(15), "the video-only format");
        var resumed = await PlayerState.WaitAsync(page, s => s.Status == "playing" && s.CurrentTime > videoOnly.CurrentTime + 2, TimeSpan.FromSeconds(10), "playback after the change");
        output.WriteLine($"with audio {first}\nvideo only {resumed}");
        Assert.Equal(42, await page.EvaluateAsync<int>("() => window.__noReload"));
        // The player's lag behind live. Bench: 0.6 s. CI: 1 s, which a busy machine's few late frames stay under and a
        // player that stays on the cached keyframe's GOP or lets its buffer grow does not.
        MachineFigures.AtMost(resumed.Latency, 0.599, 1.0, "latency (s) after the change");
        Assert.Empty(errors);
        var tracks = (await server.StreamAsync("cam")).GetProperty("tracks");
        Assert.Equal(1, tracks.GetArrayLength());
    }

    /// <summary>The first bytes of /api/stream.mp4, enough for an init segment and a GOP.</summary>
    private static async Task<byte[]> ReadPrefixAsync(LiveMuxProcess server, string stream, int bytes)
    {
        using var response = await server.Http.GetAsync(new Uri(server.BaseUrl, $"api/stream.mp4?src={stream}"), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[bytes];
        var read = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (read < bytes && await body.ReadAsync(buffer.AsMemory(read), cts.Token) is var n and > 0)
        {
            read += n;
        }

        return buffer[..read];
    }
}
