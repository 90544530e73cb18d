using System.Text.Json;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>An ffmpeg-sourced stream in the player, in Debian's headless Chromium: picture and sound, or the reason there is none.</summary>
[Collection("e2e")]
public sealed class FfmpegPlayerTests(ITestOutputHelper output)
{
    private static async Task<JsonElement> StateAsync(IPage page) =>
        await page.EvaluateAsync<JsonElement>(
            "() => { const p = document.querySelector('livemux-player'); const s = p.stats; " +
            "return { status: s.status, frames: s.framesDecoded ?? 0, audioBytes: p.video.webkitAudioDecodedByteCount ?? -1, " +
            "codec: s.codec ?? '', text: p.shadowRoot ? p.shadowRoot.textContent : '' }; }");

    [Fact]
    public async Task A_looping_h264_aac_file_plays_with_its_sound_decoded()
    {
        var clip = await Clips.CreateAsync("ffmpeg-h264-aac.mp4", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac");
        await using var server = await LiveMuxProcess.StartAsync(
            $"--LiveMux:Streams:clip:Ffmpeg:Input={clip}", "--LiveMux:Streams:clip:Ffmpeg:InputOptions=-re -stream_loop -1", "--LiveMux:Streams:clip:AlwaysOn=true");
        await using var browser = await Browser.LaunchAsync();

        // Always on and given a moment, so the stream's one init segment already holds both tracks.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while ((await server.StreamAsync("clip")).GetProperty("codecs").GetString()?.Contains("mp4a", StringComparison.Ordinal) != true)
        {
            Assert.True(DateTime.UtcNow < deadline, "the stream never showed its AAC track:\n" + server.Log);
            await Task.Delay(100);
        }

        var (page, errors) = await browser.OpenAsync(new Uri(server.BaseUrl, "player.html?src=clip"));
        JsonElement state;
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            state = await StateAsync(page);
            if (state.GetProperty("frames").GetInt64() >= 75 && state.GetProperty("audioBytes").GetInt64() > 0)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not playing with sound: {state}\n{string.Join('\n', errors)}");
            await Task.Delay(200);
        }

        output.WriteLine($"player: {state}");
        Assert.Equal("playing", state.GetProperty("status").GetString());
        Assert.Empty(errors);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.ArtifactDirectory, "player-ffmpeg.png") });
    }

    [Fact]
    public async Task The_player_shows_why_an_ffmpeg_stream_cannot_start()
    {
        await using var server = await LiveMuxProcess.StartAsync(
            "--LiveMux:Streams:clip:Ffmpeg:Input=/nonexistent.mp4", "--LiveMux:Ffmpeg:Path=/nonexistent/bin/ffmpeg");
        await using var browser = await Browser.LaunchAsync();
        var (page, _) = await browser.OpenAsync(new Uri(server.BaseUrl, "player.html?src=clip"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var state = await StateAsync(page);
            if (state.GetProperty("text").GetString()!.Contains("ffmpeg not found on the server", StringComparison.Ordinal))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the player does not show the reason: {state}");
            await Task.Delay(100);
        }
    }
}
