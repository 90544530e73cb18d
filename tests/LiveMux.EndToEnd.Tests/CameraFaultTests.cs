using System.Globalization;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// A camera that dies, freezes or loses its network path, while a player stays connected to it and other
/// viewers watch a second, healthy camera: the faulted stream comes back live within a stated time, the
/// player gets frames again without reconnecting, the other viewers' latency does not move, and memory and
/// handles return to the baseline.
/// </summary>
[Collection("e2e")]
[Trait("Category", "Faults")]
public sealed class CameraFaultTests(ITestOutputHelper output)
{
    private const string Faulted = "faulted";

    /// <summary>
    /// kill: SIGKILL, restarted on the same port 0.5 s after LiveMux noticed. freeze: SIGSTOP for the outage,
    /// then SIGCONT. cut: the proxy stops forwarding both ways for the outage (interleaved RTP too), then
    /// restores. reset: the proxy closes the connection. Outages are longer than the 5 s media timeout, so
    /// LiveMux gives the session up and reconnects. The bound counts from the end of the fault: the camera
    /// back (ready), thawed, restored or reset. Reconnect backoff is capped at 2 s (ReconnectMaxDelay).
    /// </summary>
    [Theory]
    [InlineData("kill", 4)]
    [InlineData("freeze", 4)]
    [InlineData("cut", 4)]
    [InlineData("reset", 3)]
    public async Task Camera_fault_recovers_within_the_bound_and_leaves_other_viewers_alone(string fault, int boundSeconds)
    {
        var camera = await TestCamera.StartAsync(0, FaultRig.CameraArgs);
        var restarted = (TestCamera?)null;
        var proxy = fault is "cut" or "reset" ? await ImpairProxy.StartAsync(camera.Port) : null;
        try
        {
            var url = proxy?.Url(camera.Path) ?? camera.Url();
            await using var rig = await FaultRig.StartAsync("camera-" + fault, output, [$"--LiveMux:Streams:{Faulted}:Url={url}"]);
            await using var player = await LatencyViewer.ConnectAsync(rig.Server.WebSocketUrl(Faulted), "player");
            await player.WaitForFragmentsAsync(30, TimeSpan.FromSeconds(20));
            await rig.MeasureBaselineAsync();

            var faultAt = DateTime.UtcNow;
            switch (fault)
            {
                case "kill":
                    await Signal(camera.Pid, "KILL");
                    await rig.WaitForStateAsync(Faulted, "reconnecting", TimeSpan.FromSeconds(5));
                    await Task.Delay(TimeSpan.FromSeconds(0.5));
                    restarted = await TestCamera.StartAsync(camera.Port, FaultRig.CameraArgs);
                    break;
                case "freeze":
                    await Signal(camera.Pid, "STOP");
                    await Task.Delay(FaultSettings.Outage);
                    await Signal(camera.Pid, "CONT");
                    break;
                case "cut":
                    await proxy!.CutAsync();
                    await Task.Delay(FaultSettings.Outage);
                    await proxy.RestoreAsync();
                    break;
                case "reset":
                    await proxy!.ResetAsync();
                    break;
            }

            var faultEnded = DateTime.UtcNow;
            var bound = TimeSpan.FromSeconds(boundSeconds);
            var live = await rig.WaitForLiveAsync(Faulted, bound + TimeSpan.FromSeconds(10));
            var deadline = faultEnded + bound + TimeSpan.FromSeconds(10);
            while (player.FirstAfter(faultEnded) is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            var first = player.FirstAfter(faultEnded);
            Assert.True(first is not null, $"the player got nothing after the fault; statuses: {string.Join(" | ", player.Statuses)}");
            var api = await rig.Server.StreamAsync(Faulted);
            rig.Figure("outage_s", Math.Round((faultEnded - faultAt).TotalSeconds, 1));
            rig.Figure("recovery_live_s", Math.Round((live - faultEnded).TotalSeconds, 2));
            rig.Figure("recovery_first_fragment_s", Math.Round((first.Value.At - faultEnded).TotalSeconds, 2));
            rig.Figure("recovery_bound_s", boundSeconds);
            rig.Figure("player_longest_gap_s", Math.Round(player.LongestGap(faultAt - TimeSpan.FromSeconds(1), DateTime.UtcNow).TotalSeconds, 2));
            rig.Figure("reconnects", api.GetProperty("counters").GetProperty("reconnects").GetInt64());
            rig.Figure("player_statuses", player.Statuses);

            Assert.True(first.Value.At - faultEnded <= bound, $"first fragment {(first.Value.At - faultEnded).TotalSeconds:0.00} s after the fault ended (bound {boundSeconds} s)");
            Assert.True(live - faultEnded <= bound + TimeSpan.FromSeconds(0.5), $"live {(live - faultEnded).TotalSeconds:0.00} s after the fault ended");
            Assert.False(player.Closed, "the player was disconnected: a player must not have to reconnect");
            Assert.Contains(player.Statuses, s => s.StartsWith("status:reconnecting:", StringComparison.Ordinal));
            Assert.Equal("status:live:", player.Statuses[^1]);

            await Task.Delay(FaultSettings.Window);
            rig.AssertWatchersUndisturbed(faultAt, DateTime.UtcNow);
            await rig.AssertMemorySettledAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync();
            }

            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }

            await camera.DisposeAsync();
        }
    }

    private static async Task Signal(int pid, string signal)
    {
        var (code, _, stderr) = await Tool.RunAsync("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        Assert.True(code == 0, $"kill -{signal} {pid}: {stderr}");
    }
}
