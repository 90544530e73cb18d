using System.Text.RegularExpressions;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// Cameras that misbehave without going away, all at once beside a healthy one: one that answers every
/// request slowly but within LiveMux's 10 s response timeout (it plays), one that answers beyond it (a clear
/// error, then retries), and one whose valid interleaved frames carry garbage RTP between the real packets
/// (random bytes, wrong versions, runts, truncated NAL units: the stream stays live and the drops are counted).
/// Oversized headers and unframed noise are BadInputTests' cases.
/// </summary>
[Collection("e2e")]
[Trait("Category", "Faults")]
public sealed partial class UpstreamFaultTests(ITestOutputHelper output)
{
    /// <summary>RtspClientOptions.ResponseTimeout, which streams do not override.</summary>
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Slow_and_garbage_cameras_are_handled_and_leave_other_viewers_alone()
    {
        await using var camera = await TestCamera.StartAsync(0, FaultRig.CameraArgs);
        await using var slow = await ImpairProxy.StartAsync(camera.Port, replyDelayMs: 1000);
        await using var tooSlow = await ImpairProxy.StartAsync(camera.Port, replyDelayMs: ResponseTimeout.TotalMilliseconds + 1500);
        await using var garbage = await ImpairProxy.StartAsync(camera.Port, garbageEvery: 4);
        await using var rig = await FaultRig.StartAsync("camera-slow-and-garbage", output,
        [
            $"--LiveMux:Streams:slow:Url={slow.Url(camera.Path)}",
            $"--LiveMux:Streams:tooslow:Url={tooSlow.Url(camera.Path)}",
            $"--LiveMux:Streams:garbage:Url={garbage.Url(camera.Path)}",

            // Their sessions close 1 s after their players leave, so memory and sockets can be checked against
            // the baseline taken before they started.
            "--LiveMux:Streams:slow:IdleTimeout=00:00:01",
            "--LiveMux:Streams:tooslow:IdleTimeout=00:00:01",
            "--LiveMux:Streams:garbage:IdleTimeout=00:00:01",
        ]);
        await rig.MeasureBaselineAsync();

        var faultAt = DateTime.UtcNow;
        await using var slowPlayer = await LatencyViewer.ConnectAsync(rig.Server.WebSocketUrl("slow"), "slow");
        await using var tooSlowPlayer = await LatencyViewer.ConnectAsync(rig.Server.WebSocketUrl("tooslow"), "tooslow");
        await using var garbagePlayer = await LatencyViewer.ConnectAsync(rig.Server.WebSocketUrl("garbage"), "garbage");

        // Four requests (OPTIONS, DESCRIBE, SETUP, PLAY) at 1 s each: the slow camera plays after about 4 s.
        await slowPlayer.WaitForFragmentsAsync(1, TimeSpan.FromSeconds(12));
        rig.Figure("slow_first_fragment_s", Math.Round((slowPlayer.FirstAfter(faultAt)!.Value.At - faultAt).TotalSeconds, 2));

        // The camera that answers too late: a clear error once the timeout passes, then another attempt.
        var deadline = DateTime.UtcNow + ResponseTimeout + TimeSpan.FromSeconds(6);
        while (Connections(tooSlow) < 2 || !tooSlowPlayer.Statuses.Any(s => s.StartsWith("status:reconnecting:", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"tooslow: no error and retry; statuses {string.Join(" | ", tooSlowPlayer.Statuses)}\n{tooSlow.Output}");
            await Task.Delay(100);
        }

        var tooSlowError = tooSlowPlayer.Statuses.First(s => s.StartsWith("status:reconnecting:", StringComparison.Ordinal));
        var tooSlowApi = await rig.Server.StreamAsync("tooslow");
        rig.Figure("tooslow_error", tooSlowError);
        rig.Figure("tooslow_error_after_s", Math.Round((DateTime.UtcNow - faultAt).TotalSeconds, 1));
        rig.Figure("tooslow_connections", Connections(tooSlow));
        Assert.Contains("did not answer in time", tooSlowError, StringComparison.Ordinal); // the viewer's reason
        Assert.Contains("did not answer OPTIONS within 10 s", tooSlowApi.GetProperty("error").GetString(), StringComparison.Ordinal); // the admin's detail
        Assert.Equal("reconnecting", tooSlowApi.GetProperty("state").GetString());
        Assert.Equal(0, tooSlowPlayer.Fragments);

        // The garbage camera has been playing all along (over 10 s by now), the garbage dropped and counted.
        var window = FaultSettings.Window;
        var to = DateTime.UtcNow;
        var garbageApi = await rig.Server.StreamAsync("garbage");
        var drops = garbageApi.GetProperty("counters").GetProperty("drops");
        var garbageFps = garbagePlayer.Between(to - window, to).Count / window.TotalSeconds;
        var (_, _, _, _, injected) = await GarbageStatsAsync(garbage);
        rig.Figure("garbage_frames_injected", injected);
        rig.Figure("garbage_ingest_drops", drops.ToString());
        rig.Figure("garbage_player_fps_last_window", Math.Round(garbageFps, 1));
        rig.Figure("garbage_player_frames_missing", garbagePlayer.Missing);
        rig.Figure("garbage_player_longest_gap_s", Math.Round(garbagePlayer.LongestGap(faultAt, to).TotalSeconds, 2));
        rig.Figure("slow_player_fps_last_window", Math.Round(slowPlayer.Between(to - window, to).Count / window.TotalSeconds, 1));
        Assert.Equal("live", garbageApi.GetProperty("state").GetString());
        Assert.Equal("live", (await rig.Server.StreamAsync("slow")).GetProperty("state").GetString());
        Assert.True(injected > 100, $"only {injected} garbage frames injected");
        Assert.True(drops.EnumerateObject().Sum(d => d.Value.GetInt64()) > 0, $"no ingest drop counted: {drops}");
        // Bench (LIVEMUX_FAULTS_STRICT): 10 fps. CI: 3, frames in the last window from a live stream on a busy
        // machine; a stream the garbage stalls, restarts or reduces to its keyframes gets fewer.
        var garbageFpsBound = FaultSettings.Strict ? 10 : 3;
        Assert.True(garbageFps >= garbageFpsBound, $"the garbage camera's player got {garbageFps:0.#} fps (bound {garbageFpsBound})");

        rig.AssertWatchersUndisturbed(faultAt, to);
        await tooSlowPlayer.DisposeAsync();
        await slowPlayer.DisposeAsync();
        await garbagePlayer.DisposeAsync();
        await rig.AssertMemorySettledAsync(TimeSpan.FromSeconds(10));
    }

    private static int Connections(ImpairProxy proxy) => proxy.Output.Split('\n').Count(l => l.StartsWith("CONNECTED ", StringComparison.Ordinal));

    private static async Task<(long In, long Out, long Dropped, long Reordered, long Garbage)> GarbageStatsAsync(ImpairProxy proxy)
    {
        await proxy.StatsAsync();
        var line = proxy.Output.Split('\n').Last(l => l.StartsWith("STATS ", StringComparison.Ordinal));
        var m = GarbageCount().Match(line);
        Assert.True(m.Success, line);
        return (0, 0, 0, 0, long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"garbage=(\d+)")]
    private static partial Regex GarbageCount();
}
