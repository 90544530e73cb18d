using System.Text.Json;
using LiveMux.Tests;
using Microsoft.Playwright;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Glass-to-glass latency in a page, read from the clock barcode that rtsp_camera.py --clock writes into
/// every frame, by the same probe the latency benchmark uses (bench/latency/measure.js).
/// </summary>
internal static class GlassToGlass
{
    /// <summary>Loads the probe into <paramref name="page"/> (it must run before the player) and reloads the page.</summary>
    public static async Task InstallAsync(IPage page, int fps)
    {
        await page.AddInitScriptAsync($"window.__latencyConfig = {{ fps: {fps} }};");
        await page.AddInitScriptAsync(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "bench", "latency", "measure.js")));
        await page.ReloadAsync();
    }

    /// <summary>Starts a measuring window; pass the result to <see cref="ReadAsync"/>.</summary>
    public static Task<double> MarkAsync(IPage page) => page.EvaluateAsync<double>("() => window.__latency.mark()");

    /// <summary>The frames presented since <paramref name="from"/>: their latency percentiles and the page's counters.</summary>
    public static async Task<Latency> ReadAsync(IPage page, double from)
    {
        var j = await page.EvaluateAsync<JsonElement>(
            "(from) => { const l = window.__latency; const s = l.samples.filter(x => x.t >= from).map(x => x.latency).sort((a, b) => a - b); " +
            "const at = (p) => s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))] : -1; " +
            "return { n: s.length, p50: at(0.5), p95: at(0.95), errors: l.decodeErrors, stalls: l.stalls.filter(x => x.t >= from).length, " +
            "first: l.firstFrameMs ?? -1, audio: l.audioDecodedBytes() ?? -1 }; }",
            from);
        return new Latency(j.GetProperty("n").GetInt32(), j.GetProperty("p50").GetDouble(), j.GetProperty("p95").GetDouble(),
            j.GetProperty("errors").GetInt32(), j.GetProperty("stalls").GetInt32(), j.GetProperty("first").GetDouble(), j.GetProperty("audio").GetInt64());
    }

    /// <summary>Each frame presented since <paramref name="from"/>: when (the page's <c>performance.now()</c>) and its latency, ms.</summary>
    public static async Task<IReadOnlyList<(double T, double Latency)>> FramesAsync(IPage page, double from)
    {
        var j = await page.EvaluateAsync<JsonElement>(
            "(from) => window.__latency.samples.filter(x => x.t >= from).map(x => [x.t, x.latency])", from);
        return [.. j.EnumerateArray().Select(x => (x[0].GetDouble(), x[1].GetDouble()))];
    }

    /// <summary>Milliseconds; <c>Stalls</c> counts gaps of over three frame intervals and `waiting` events.</summary>
    internal sealed record Latency(int Samples, double P50, double P95, int DecodeErrors, int Stalls, double FirstFrameMs, long AudioBytes);
}
