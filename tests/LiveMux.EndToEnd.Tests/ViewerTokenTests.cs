using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>Viewer tokens in Debian's headless Chromium: a tokened player.html plays, an untokened one is refused with the reason.</summary>
[Collection("e2e")]
public sealed class ViewerTokenTests(ITestOutputHelper output)
{
    private const string Secret = "e2e-viewer-token-secret-0123456789abcdef";

    [Fact]
    public async Task A_tokened_player_plays_and_an_untokened_one_shows_the_error()
    {
        // The demo stream; no admin credentials, so minting works from loopback.
        await using var server = await LiveMuxProcess.StartAsync("--LiveMux:Auth:Viewers=token", $"--LiveMux:Auth:TokenSecret={Secret}");
        using var mint = await server.Http.PostAsJsonAsync(new Uri(server.BaseUrl, "api/tokens"), new { stream = "demo", ttlSeconds = 300 });
        Assert.Equal(HttpStatusCode.OK, mint.StatusCode);
        var token = (await mint.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(new Uri(server.BaseUrl, $"player.html?src=demo&token={Uri.EscapeDataString(token)}"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        JsonElement stats;
        while (true)
        {
            stats = await page.EvaluateAsync<JsonElement>("() => { const s = document.querySelector('livemux-player').stats; return { status: s.status, frames: s.framesDecoded ?? 0 }; }");
            if (stats.GetProperty("status").GetString() == "playing" && stats.GetProperty("frames").GetInt64() >= 30)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"tokened player did not play: {stats}\n{server.Log}");
            await Task.Delay(100);
        }

        output.WriteLine($"tokened player: {stats}");
        Assert.Empty(errors);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.ArtifactDirectory, "player-token.png") });

        // The same element without the token, on the same (authorized) page: the server's reason is shown.
        var reason = await page.EvaluateAsync<string>(
            "() => new Promise((resolve) => { const p = document.createElement('livemux-player'); p.setAttribute('src', 'demo');" +
            " p.addEventListener('statuschange', (e) => { if (e.detail.status === 'error') resolve(e.detail.reason); });" +
            " document.body.append(p); setTimeout(() => resolve('no error within 10 s: ' + p.stats.status), 10000); })");
        Assert.Equal("unauthorized: a viewer token is required", reason);

        // The page itself without a token is refused, and the browser shows why.
        var (refused, _) = await browser.OpenAsync(new Uri(server.BaseUrl, "player.html?src=demo"));
        var text = await refused.InnerTextAsync("body");
        Assert.Contains("unauthorized: a viewer token is required", text, StringComparison.Ordinal);
        Assert.Equal(0, await refused.Locator("livemux-player").CountAsync());
        await refused.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.ArtifactDirectory, "player-no-token.png") });
        using var direct = await server.Http.GetAsync(new Uri(server.BaseUrl, "player.html?src=demo"));
        Assert.Equal(HttpStatusCode.Unauthorized, direct.StatusCode);
    }
}
