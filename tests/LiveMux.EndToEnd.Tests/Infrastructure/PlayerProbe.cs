using System.Text.Json;
using Microsoft.Playwright;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>What the page's <c>&lt;livemux-player&gt;</c> and its video element show, read in one evaluation.</summary>
internal sealed record PlayerState(string Status, long Frames, int Stalls, double Latency, int Width, int Height, long AudioBytes, double CurrentTime, string Codec)
{
    public static async Task<PlayerState> ReadAsync(IPage page)
    {
        var j = await page.EvaluateAsync<JsonElement>(
            "() => { const p = document.querySelector('livemux-player'); const s = p.stats; const v = p.video; " +
            "return { status: s.status, frames: s.framesDecoded ?? 0, stalls: s.stalls ?? 0, latency: s.lag ?? 0, " +
            "w: v.videoWidth, h: v.videoHeight, audio: v.webkitAudioDecodedByteCount ?? -1, t: v.currentTime, codec: s.codec ?? '' }; }");
        return new PlayerState(
            j.GetProperty("status").GetString() ?? "",
            j.GetProperty("frames").GetInt64(),
            j.GetProperty("stalls").GetInt32(),
            j.GetProperty("latency").GetDouble(),
            j.GetProperty("w").GetInt32(),
            j.GetProperty("h").GetInt32(),
            j.GetProperty("audio").GetInt64(),
            j.GetProperty("t").GetDouble(),
            j.GetProperty("codec").GetString() ?? "");
    }

    /// <summary>
    /// For a failure message: the element's buffered ranges, ready state and flags, and the player's own
    /// counters, which tell a track that never got data from a playhead left before it.
    /// </summary>
    public static async Task<string> DescribeMediaAsync(IPage page) =>
        await page.EvaluateAsync<string>(
            "() => { const p = document.querySelector('livemux-player'); const v = p.video; const r = [];" +
            " for (let i = 0; i < v.buffered.length; i++) r.push(`${v.buffered.start(i).toFixed(3)}-${v.buffered.end(i).toFixed(3)}`);" +
            " return `buffered [${r.join(' ')}] readyState ${v.readyState} paused ${v.paused} seeking ${v.seeking} stats ${JSON.stringify(p.stats)}`; }");

    /// <summary>Polls until <paramref name="condition"/> holds; fails with the last state after <paramref name="timeout"/>.</summary>
    public static async Task<PlayerState> WaitAsync(IPage page, Func<PlayerState, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var state = await ReadAsync(page);
            if (condition(state))
            {
                return state;
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"{what}: {state}; {await DescribeMediaAsync(page)}");
            }

            await Task.Delay(100);
        }
    }
}
