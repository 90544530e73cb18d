using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>The dashboard (/) in headless Chromium against a real camera: live tiles, phone widths, keyboard, the stream dialog.</summary>
[Collection("e2e")]
public sealed partial class DashboardTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Dashboard_shows_live_tiles_with_their_facts_and_a_moving_picture()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--width", "640", "--height", "360");
        await using var server = await LiveMuxProcess.StartAsync(
            $"--LiveMux:Streams:cam:Url={camera.Url()}", "--LiveMux:Demo=true", "--LiveMux:Streams:down:Url=rtsp://127.0.0.1:1/nothing-listens");
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(server.BaseUrl);

        var first = await TileState.WaitAsync(page, "cam", t => t.State == "live" && t.PlayerStatus == "playing" && t.Frames > 10, Start, "cam tile live and playing");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var later = await TileState.WaitAsync(page, "cam", t => t.Bitrate.EndsWith("bit/s", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "bitrate after two polls");
        output.WriteLine($"cam tile: {later}");
        Assert.Equal("live", later.StateText);
        Assert.True(later.CurrentTime - first.CurrentTime >= 1.5, $"video advanced {later.CurrentTime - first.CurrentTime:0.00} s in 2.5 s");
        Assert.StartsWith("avc1.", later.Codecs, StringComparison.Ordinal);
        Assert.Equal("640×360", later.Size);
        Assert.Equal("30", later.Fps);
        Assert.True(int.Parse(later.Viewers, System.Globalization.CultureInfo.InvariantCulture) >= 1, $"viewers {later.Viewers}");
        var kbits = BitrateKbits(later.Bitrate);
        Assert.True(kbits is > 20 and < 20_000, $"bitrate {later.Bitrate}");

        var demo = await TileState.WaitAsync(page, "demo", t => t.State == "live" && t.PlayerStatus == "playing", Start, "demo tile");
        Assert.Equal("live", demo.StateText);

        // A camera that refuses: the tile says so, with the reason, and does not pretend to be live.
        var down = await TileState.WaitAsync(page, "down", t => t.State == "reconnecting" && t.Reason.Contains("connection refused", StringComparison.Ordinal), Start, "down tile");
        output.WriteLine($"down tile: {down}");
        Assert.Equal(down.State, down.StateText);
        Assert.Equal("–", down.Bitrate);

        var tile = await page.QuerySelectorAsync("li[data-stream=cam] .screen");
        var shot = await Screenshots.SaveAsync(tile!, "dashboard-cam-tile");
        var spread = await Screenshots.LumaStdDevAsync(shot);
        await Screenshots.SaveAsync(page, "dashboard");
        output.WriteLine($"cam tile luma std dev {Screenshots.Format(spread)} ({shot})");
        Assert.True(spread > 20, $"cam tile looks blank: luma std dev {Screenshots.Format(spread)}");
        Assert.All(errors, e => Assert.Contains("livemux-player", e, StringComparison.Ordinal)); // the down stream's player logs its failure
    }

    [Fact]
    public async Task A_stream_added_through_the_API_appears_on_an_open_dashboard_and_plays_without_a_reload()
    {
        var streamsFile = Path.Combine(Path.GetTempPath(), $"livemux-ui-{Guid.NewGuid():N}.json");
        try
        {
            await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--width", "640", "--height", "360");
            await using var server = await LiveMuxProcess.StartAsync("--LiveMux:Demo=true", $"--LiveMux:StreamsFile={streamsFile}");
            await using var browser = await Browser.LaunchAsync();
            var (page, errors) = await browser.OpenAsync(server.BaseUrl);
            await TileState.WaitAsync(page, "demo", t => t.State == "live", Start, "demo tile");
            await page.EvaluateAsync("() => { window.__noReload = 42; }");
            Assert.False((await TileState.ReadAsync(page, "added")).Exists);

            using var post = new StringContent($$"""{"name":"added","url":"{{camera.Url()}}"}""", Encoding.UTF8, "application/json");
            using var response = await server.Http.PostAsync(new Uri(server.BaseUrl, "api/streams"), post);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/streams: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");

            var first = await TileState.WaitAsync(page, "added", t => t.State == "live" && t.PlayerStatus == "playing" && t.Frames > 10, Start, "added tile live and playing");
            await Task.Delay(TimeSpan.FromSeconds(2));
            var later = await TileState.ReadAsync(page, "added");
            Assert.True(later.CurrentTime - first.CurrentTime >= 1.2, $"added tile advanced {later.CurrentTime - first.CurrentTime:0.00} s in 2 s");
            Assert.Equal(42, await page.EvaluateAsync<int>("() => window.__noReload"));
            var shot = await Screenshots.SaveAsync((await page.QuerySelectorAsync("li[data-stream=added] .screen"))!, "dashboard-added-tile");
            Assert.True(await Screenshots.LumaStdDevAsync(shot) > 20, "added tile looks blank");
            Assert.Empty(errors);
        }
        finally
        {
            File.Delete(streamsFile);
        }
    }

    [Fact]
    public async Task Dashboard_and_multiview_fit_a_phone_and_the_keyboard_opens_the_player()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--width", "640", "--height", "360");
        await using var server = await LiveMuxProcess.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}", "--LiveMux:Demo=true");
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(server.BaseUrl, 375, 812);
        await TileState.WaitAsync(page, "cam", t => t.State == "live" && t.PlayerStatus == "playing", Start, "cam tile on a phone");
        await AssertNoHorizontalScrollAsync(page, "dashboard");
        await Screenshots.SaveAsync(page, "dashboard-375");
        var light = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
        var dark = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        await Screenshots.SaveAsync(page, "dashboard-375-dark");
        Assert.NotEqual(light, dark);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Light });

        await page.ClickAsync("#add");
        await page.WaitForSelectorAsync("#editor[open]");
        await AssertNoHorizontalScrollAsync(page, "stream dialog");
        var dialogBox = await (await page.QuerySelectorAsync("#editor"))!.BoundingBoxAsync();
        Assert.True(dialogBox!.X >= 0 && dialogBox.X + dialogBox.Width <= 375, $"dialog spans {dialogBox.X}..{dialogBox.X + dialogBox.Width}");
        await Screenshots.SaveAsync(page, "dashboard-375-dialog");
        Assert.Equal("f-name", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.PressAsync("Escape");
        await page.WaitForSelectorAsync("#editor:not([open])", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

        // Keyboard only: Tab from the top reaches the tile's link, which shows a focus ring, and Enter opens the player.
        await page.EvaluateAsync("() => document.activeElement?.blur()");
        var reached = false;
        for (var i = 0; i < 12 && !reached; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await page.EvaluateAsync<bool>("() => document.activeElement?.matches('li[data-stream=cam] a.view') ?? false");
        }

        Assert.True(reached, "Tab never reached the cam tile");
        var outline = await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle");
        Assert.NotEqual("none", outline);
        var label = await page.EvaluateAsync<string>("() => document.activeElement.getAttribute('aria-label')");
        Assert.StartsWith("cam: live", label, StringComparison.Ordinal);
        await page.Keyboard.PressAsync("Enter");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!PlayerUrl().IsMatch(page.Url))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Enter did not open the player: at {page.Url}");
            await Task.Delay(100);
        }

        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        await PlayerState.WaitAsync(page, s => s.Status == "playing", Start, "full player after Enter");

        var (wall, wallErrors) = await browser.OpenAsync(new Uri(server.BaseUrl, "multiview.html"), 375, 812);
        await wall.WaitForSelectorAsync("li[data-stream=cam] livemux-player");
        await AssertNoHorizontalScrollAsync(wall, "multiview");
        await Screenshots.SaveAsync(wall, "multiview-375");
        Assert.Empty(errors);
        Assert.Empty(wallErrors);
    }

    [Fact]
    public async Task Dashboard_asks_for_an_API_key_on_401_and_shows_validation_problems_next_to_the_fields()
    {
        // The API is stood in for by Playwright's router, answering as the contract says: 401 without the key,
        // and a 400 RFC 7807 validation problem for a bad stream.
        await using var server = await LiveMuxProcess.StartAsync("--LiveMux:Demo=true");
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(new Uri("about:blank"));
        var keys = new List<string?>();
        await page.RouteAsync("**/api/streams", async route =>
        {
            var key = route.Request.Headers.GetValueOrDefault("x-api-key");
            lock (keys)
            {
                keys.Add(key);
            }

            if (key != "k-123")
            {
                await route.FulfillAsync(new RouteFulfillOptions { Status = 401, ContentType = "application/problem+json", Body = """{"title":"Unauthorized","status":401}""" });
            }
            else if (route.Request.Method == "POST")
            {
                await route.FulfillAsync(new RouteFulfillOptions
                {
                    Status = 400,
                    ContentType = "application/problem+json",
                    Body = """{"title":"One or more validation errors occurred.","status":400,"errors":{"name":["The name must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$."],"url":["The url must be rtsp:// or rtsps://."]}}""",
                });
            }
            else
            {
                await route.ContinueAsync();
            }
        });
        await page.GotoAsync(server.BaseUrl.ToString());

        // Cancelled, the dialog stays away from the polls until asked for.
        await page.WaitForSelectorAsync("dialog[open] input[name=key]");
        await page.ClickAsync("dialog[open] button:text('Cancel')");
        await page.WaitForSelectorAsync("#message button:text('Enter API key')");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(0, await page.Locator("dialog[open]").CountAsync());
        await page.ClickAsync("#message button:text('Enter API key')");
        await page.WaitForSelectorAsync("dialog[open] input[name=key]");
        await page.FillAsync("dialog[open] input[name=key]", "k-123");
        await page.Keyboard.PressAsync("Enter");
        await TileState.WaitAsync(page, "demo", t => t.State == "live", Start, "demo tile after the key");
        Assert.Equal("k-123", await page.EvaluateAsync<string>("() => sessionStorage.getItem('livemux.apiKey')"));

        await page.ClickAsync("#add");
        await page.FillAsync("#f-name", "bad name");
        await page.FillAsync("#f-url", "http://camera/");
        await page.ClickAsync("#save");
        await page.WaitForSelectorAsync("#e-url:not(:empty)");
        Assert.Equal("The url must be rtsp:// or rtsps://.", await page.TextContentAsync("#e-url"));
        Assert.StartsWith("The name must match", await page.TextContentAsync("#e-name"), StringComparison.Ordinal);
        Assert.Equal("true", await page.GetAttributeAsync("#f-url", "aria-invalid"));
        Assert.True(await page.IsVisibleAsync("#editor[open]"), "the dialog closed on a validation error");
        await Screenshots.SaveAsync(page, "dashboard-validation");
        lock (keys)
        {
            Assert.Null(keys[0]);
            Assert.Equal("k-123", keys[^1]);
        }

        // Errors logged are the 401/400 answers themselves (the browser reports failed fetches); nothing else.
        Assert.All(errors, e => Assert.Matches("40[01]", e));
    }

    [Fact]
    public async Task Editing_keeps_write_only_credentials_unless_cleared_and_delete_removes_the_stream()
    {
        const string Password = "Gate-Pw-7f3e";
        await using var server = await LiveMuxProcess.StartAsync("--LiveMux:Demo=true");
        using (var created = await server.Http.PostAsJsonAsync(new Uri(server.BaseUrl, "api/streams"), new
        {
            name = "gate", url = "rtsp://10.0.0.9/live", username = "op", password = Password,
            transport = "udp", idleTimeout = "00:01:00", mediaTimeout = "00:00:07",
        }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(server.BaseUrl);
        await page.ClickAsync("li[data-stream=gate] button.edit");
        await page.WaitForSelectorAsync("#editor[open]");
        Assert.Equal("rtsp://10.0.0.9/live", await page.InputValueAsync("#f-url"));
        Assert.Equal("udp", await page.InputValueAsync("#f-transport"));
        Assert.Equal("00:01:00", await page.InputValueAsync("#f-idle"));
        Assert.Equal("", await page.InputValueAsync("#f-password"));
        Assert.True(await page.IsVisibleAsync("#clear-cred-row"), "no way to clear stored credentials");
        Assert.DoesNotContain(Password, await page.ContentAsync(), StringComparison.Ordinal);
        await page.FillAsync("#f-url", "rtsp://10.0.0.9/live2");
        await page.ClickAsync("#save");
        await page.WaitForSelectorAsync("#editor:not([open])", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

        var edited = await server.StreamAsync("gate");
        Assert.Equal("rtsp://10.0.0.9/live2", edited.GetProperty("url").GetString());
        Assert.True(edited.GetProperty("hasCredentials").GetBoolean(), "empty password fields on edit must keep the stored credentials");
        Assert.Equal("00:00:07", edited.GetProperty("settings").GetProperty("mediaTimeout").GetString()); // a field the dialog does not show is kept
        Assert.Equal("udp", edited.GetProperty("settings").GetProperty("transport").GetString());

        await page.ClickAsync("li[data-stream=gate] button.edit");
        await page.WaitForSelectorAsync("#editor[open]");
        await page.CheckAsync("#f-clear");
        await page.ClickAsync("#save");
        await page.WaitForSelectorAsync("#editor:not([open])", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        Assert.False((await server.StreamAsync("gate")).GetProperty("hasCredentials").GetBoolean(), "clearing did not clear");

        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.ClickAsync("li[data-stream=gate] button.edit");
        await page.WaitForSelectorAsync("#editor[open]");
        await page.ClickAsync("#delete");
        await page.WaitForSelectorAsync("#editor:not([open])", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        using (var gone = await server.Http.GetAsync(new Uri(server.BaseUrl, "api/streams/gate")))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        await page.WaitForSelectorAsync("li[data-stream=gate]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached, Timeout = 10_000 });
        Assert.DoesNotContain(Password, server.Log, StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_tile_refused_as_unauthorized_mints_a_viewer_token_and_plays_with_it()
    {
        // Viewer tokens stood in for as the contract says: the first WebSocket is refused with
        // "unauthorized: ...", POST /api/tokens answers a token; later sockets go through to the server.
        await using var server = await LiveMuxProcess.StartAsync("--LiveMux:Demo=true");
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(new Uri("about:blank"));
        var sockets = 0;
        await page.RouteWebSocketAsync(new Regex("/api/ws"), ws =>
        {
            if (Interlocked.Increment(ref sockets) == 1)
            {
                ws.OnMessage(frame =>
                {
                    ws.Send("""{"type":"error","value":"unauthorized: this stream needs a viewer token"}""");
                    _ = ws.CloseAsync(new() { Code = 1008, Reason = "unauthorized" });
                });
            }
            else
            {
                ws.ConnectToServer();
            }
        });
        var minted = new List<string>();
        await page.RouteAsync("**/api/tokens", async route =>
        {
            lock (minted)
            {
                minted.Add($"{route.Request.Method} {route.Request.PostData}");
            }

            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = """{"token":"v1.ZGVtbw.4102444800.c2ln","expires":"2100-01-01T00:00:00Z"}""" });
        });
        await page.GotoAsync(server.BaseUrl.ToString());

        await TileState.WaitAsync(page, "demo", t => t.State == "live" && t.PlayerStatus == "playing" && t.Frames > 10, Start, "demo tile after the token");
        Assert.Equal("v1.ZGVtbw.4102444800.c2ln", await page.GetAttributeAsync("li[data-stream=demo] livemux-player", "token"));
        Assert.Equal("player.html?src=demo&token=v1.ZGVtbw.4102444800.c2ln", await page.GetAttributeAsync("li[data-stream=demo] a.view", "href"));
        lock (minted)
        {
            var call = Assert.Single(minted);
            Assert.Matches("""^POST \{"stream":"demo","ttlSeconds":\d+\}$""", call);
        }

        Assert.True(sockets >= 2, $"{sockets} sockets");
        Assert.All(errors, e => Assert.Contains("unauthorized", e, StringComparison.Ordinal));
    }

    private static async Task AssertNoHorizontalScrollAsync(IPage page, string what)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth, innerWidth]");
        Assert.True(widths[0] <= widths[1], $"{what}: scrollWidth {widths[0]} > clientWidth {widths[1]} (window {widths[2]})");
        Assert.Equal(375, widths[2]);
    }

    private static double BitrateKbits(string text)
    {
        var m = BitrateText().Match(text);
        Assert.True(m.Success, $"bitrate text {text}");
        var value = double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "M" => value * 1000, "k" => value, _ => value / 1000 };
    }

    [GeneratedRegex(@"/player\.html\?src=cam$")]
    private static partial Regex PlayerUrl();

    [GeneratedRegex(@"^([\d.]+) (M|k|)bit/s$")]
    private static partial Regex BitrateText();
}
