using System.Text.Json;
using System.Text.RegularExpressions;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// The player's true latency (prft receive times on the server's clock, mapped through the WebSocket clock
/// sync) against the glass-to-glass latency the camera's clock barcode measures in the same frames: the
/// two medians agree within 50 ms. The overlay, switched on from the keyboard, shows the same figures.
/// </summary>
[Collection("e2e")]
public sealed partial class StatsOverlayTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Figures")]
    public async Task The_overlay_latency_matches_the_barcode_clock_within_50_ms()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--gop", "30", "--clock", "--width", "640", "--height", "360");
        await using var server = await LiveMuxProcess.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}");
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(new Uri(server.BaseUrl, "player.html?src=cam"));
        await GlassToGlass.InstallAsync(page, fps: 30);

        // The toggle is a button: Tab to it and press Enter, as a keyboard user would.
        var toggle = page.Locator("#stats-toggle");
        await toggle.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("true", await toggle.GetAttributeAsync("aria-pressed"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('livemux-player').hasAttribute('stats')"));

        await PlayerState.WaitAsync(page, s => s.Status == "playing" && s.Frames >= 30, TimeSpan.FromSeconds(20), "playback");
        await Task.Delay(TimeSpan.FromSeconds(4)); // start-up over: the jump to live, the clock-sync burst

        var from = await GlassToGlass.MarkAsync(page);
        var totals = new List<double>();
        var networks = new List<double>();
        var shownTotals = new List<double>();
        var sampledAt = new List<double>();
        JsonElement stats = default;
        for (var i = 0; i < 60; i++)
        {
            await Task.Delay(100);
            var read = await page.EvaluateAsync<JsonElement>(
                "() => { const p = document.querySelector('livemux-player'); " +
                "return { t: performance.now(), stats: JSON.parse(JSON.stringify(p.stats)), shown: p.shadowRoot.querySelector('.stats dd[data-stat=total]').textContent }; }");
            sampledAt.Add(read.GetProperty("t").GetDouble());
            stats = read.GetProperty("stats");
            var shown = read.GetProperty("shown").GetString() ?? "";
            Assert.Matches(Milliseconds(), shown);
            shownTotals.Add(double.Parse(Milliseconds().Match(shown).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            var latency = stats.GetProperty("latency");
            Assert.Equal(JsonValueKind.Number, latency.GetProperty("total").ValueKind);
            totals.Add(latency.GetProperty("total").GetDouble());
            networks.Add(latency.GetProperty("network").GetDouble());
            Assert.Equal(latency.GetProperty("total").GetDouble(), latency.GetProperty("network").GetDouble() + latency.GetProperty("buffer").GetDouble(), 3);
        }

        var barcode = await GlassToGlass.ReadAsync(page, from);
        var frames = await GlassToGlass.FramesAsync(page, from);
        var overlayMedian = Median(totals);

        // Each overlay reading against the barcode of the frames presented around it: on a busy machine the
        // latency moves (a stall, a re-buffer), and medians of two differently timed series would compare
        // different moments. A reading with no frame near it is left out.
        var totalErrors = PairedErrors(sampledAt, totals, frames);
        var shownErrors = PairedErrors(sampledAt, shownTotals, frames);
        output.WriteLine($"barcode: {barcode}\nstats total p50 {overlayMedian:0.0} ms, overlay text p50 {Median(shownTotals):0} ms, network p50 {Median(networks):0.0} ms\n" +
            $"paired with the barcode: {totalErrors.Count} readings, overlay minus barcode p50 {Median(totalErrors):0.0} ms (text {Median(shownErrors):0.0} ms)\nstats: {stats}");

        Assert.True(barcode.Samples >= 120, $"only {barcode.Samples} readable frames: {barcode}");
        // Bench: the two medians within 50 ms, the network part within 50 ms on loopback, the clock offset within
        // 50 ms on one machine, 20-40 fps. On a busy machine the page's timers, the presentation of frames and the
        // clock sync's round trips wait for the cores, so CI allows 75 ms, 150 ms, 100 ms and 10-40 fps: a player
        // that leaves out its buffer (88 ms measured), mixes seconds and milliseconds, or misreads the clock sync
        // misses them still.
        Assert.True(totalErrors.Count >= 30, $"only {totalErrors.Count} of {totals.Count} overlay readings had a barcode frame near them");
        MachineFigures.AtMost(Math.Abs(Median(totalErrors)), 50, 75, "|stats total - barcode| p50 of paired readings (ms)");
        MachineFigures.AtMost(Math.Abs(Median(shownErrors)), 50, 75, "|overlay text - barcode| p50 of paired readings (ms)");
        Assert.True(Median(networks) >= -5, $"network p50 {Median(networks):0.0} ms"); // a fragment does not arrive before it was sent
        MachineFigures.AtMost(Median(networks), 50, 150, "network p50 (ms), loopback");
        MachineFigures.AtMost(Math.Abs(stats.GetProperty("clockOffset").GetDouble()), 50, 100, "|clock offset| (ms), same machine");
        Assert.True(stats.GetProperty("fps").GetDouble() <= 40, $"fps {stats.GetProperty("fps")} from a 30 fps camera");
        MachineFigures.AtLeast(stats.GetProperty("fps").GetDouble(), 20, 10, "fps shown");
        Assert.True(stats.GetProperty("bitrate").GetDouble() > 10_000, $"bitrate {stats.GetProperty("bitrate")}");

        // The overlay itself: visible, labelled, every row filled.
        var overlay = page.Locator("livemux-player .stats");
        Assert.True(await overlay.IsVisibleAsync());
        Assert.Equal("Playback statistics", await overlay.GetAttributeAsync("aria-label"));
        Assert.Matches(@"^\d+(\.\d+)? (k|M)bit/s$", await overlay.Locator("dd[data-stat=bitrate]").TextContentAsync() ?? "");
        Assert.Matches(@"^\d+$", await overlay.Locator("dd[data-stat=stalls]").TextContentAsync() ?? "");
        var text = await overlay.InnerTextAsync();
        foreach (var label in new[] { "latency", "network", "buffer", "fps", "bitrate", "dropped frames", "stalls" })
        {
            Assert.Contains(label, text, StringComparison.Ordinal);
        }

        await page.Locator("livemux-player").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(RepoPaths.ArtifactDirectory, "player-stats-overlay.png") });

        // And off again.
        await page.Keyboard.PressAsync("Enter");
        Assert.False(await overlay.IsVisibleAsync());
        Assert.Empty(errors);
    }

    /// <summary>
    /// Each reading minus the median glass-to-glass latency of the frames presented within 250 ms of it; readings
    /// with no frame that near are skipped.
    /// </summary>
    private static List<double> PairedErrors(List<double> at, List<double> readings, IReadOnlyList<(double T, double Latency)> frames)
    {
        var errors = new List<double>();
        for (var i = 0; i < at.Count; i++)
        {
            var near = frames.Where(f => Math.Abs(f.T - at[i]) <= 250).Select(f => f.Latency).ToList();
            if (near.Count > 0)
            {
                errors.Add(readings[i] - Median(near));
            }
        }

        return errors;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    [GeneratedRegex(@"^(-?\d+) ms$")]
    private static partial Regex Milliseconds();
}
