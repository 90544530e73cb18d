using LiveMux.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// No fault at all: the watchers' p95 in consecutive quiet windows, to show how much it moves on this machine
/// by itself. bench/run-faults.sh runs it (Category=FaultNoise); its figures set the floor the fault tests allow.
/// CI runs a few short windows (about 10 s) and checks only that every window had fragments and no frame went
/// missing; bench/run-faults.sh runs 20 windows of 5 s for the figures.
/// </summary>
[Collection("e2e")]
[Trait("Category", "FaultNoise")]
public sealed class FaultNoiseTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Quiet_windows_show_the_machines_own_latency_noise()
    {
        await using var rig = await FaultRig.StartAsync("noise", output, []);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var start = DateTime.UtcNow;
        var windows = FaultSettings.NoiseWindows;
        await Task.Delay(FaultSettings.Window * windows);
        var p95s = new List<double>();
        var raws = new List<double>();
        for (var i = 0; i < windows; i++)
        {
            var from = start + (FaultSettings.Window * i);
            var (corrected, raw) = rig.P95(from, from + FaultSettings.Window);
            Assert.True(raw > 0, "a window without fragments");
            p95s.Add(corrected);
            raws.Add(raw);
        }

        var steps = p95s.Zip(p95s.Skip(1), (a, b) => Math.Abs(b - a)).Order().ToArray();
        rig.Figure("window_s", FaultSettings.Window.TotalSeconds);
        rig.Figure("window_p95_ms", p95s);
        rig.Figure("window_p95_raw_ms", raws);
        rig.Figure("window_to_window_change_ms_median", FaultRig.Percentile(steps, 0.5));
        rig.Figure("window_to_window_change_ms_max", steps[^1]);
        rig.Figure("window_to_window_change_pct_max", Math.Round(p95s.Zip(p95s.Skip(1), (a, b) => Math.Abs(b - a) / a * 100).Max(), 1));
        rig.RecordSlowSamples(start, DateTime.UtcNow);
        Assert.All(rig.Watchers, w => Assert.Equal(0, w.Missing));
    }
}
