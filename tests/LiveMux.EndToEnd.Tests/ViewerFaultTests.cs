using System.Diagnostics;
using LiveMux.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// Viewers that misbehave, among well-behaved viewers of the same stream: one that stops reading, many that
/// vanish without a WebSocket close (TCP RST), and many that come and go. The others' latency does not move,
/// the stream stays live, and memory and sockets come back to the baseline.
/// </summary>
[Collection("e2e")]
[Trait("Category", "Faults")]
public sealed class ViewerFaultTests(ITestOutputHelper output)
{
    private static readonly string[] HighBitrate = ["--fps", "30", "--gop", "30", "--width", "640", "--height", "360", "--bitrate", "4000", "--noise", "40"];

    [Fact]
    public async Task A_viewer_that_stops_reading_is_skipped_then_disconnected_and_the_others_play_on()
    {
        // 4 Mbps: the kernel's socket buffers (the send buffer grows to 4 MB here) hold this many seconds of a
        // stream before the hub's queue sees anything, and at 300 kbps that would be two minutes.
        await using var rig = await FaultRig.StartAsync("viewer-stops-reading", output, [], cameraArgs: HighBitrate);
        await rig.MeasureBaselineAsync();

        var faultAt = DateTime.UtcNow;
        using var stuck = await RawWsViewer.ConnectAsync(rig.Server.Port, FaultRig.Healthy, receiveBuffer: 4096);
        await WaitForViewersAsync(rig, 4, TimeSpan.FromSeconds(5));

        // Per policy: the socket fills, the queue fills (120 frames, 4 s at 30 fps), the viewer skips to
        // keyframes, and after 10 s of skipping it is disconnected.
        var gone = await WaitForViewersAsync(rig, 3, TimeSpan.FromSeconds(40));
        var closed = await stuck.ServerClosedAsync(TimeSpan.FromSeconds(5));
        var drops = (await rig.Server.StreamAsync(FaultRig.Healthy)).GetProperty("counters").GetProperty("drops");
        rig.Figure("disconnected_after_s", Math.Round((gone - faultAt).TotalSeconds, 1));
        rig.Figure("viewer_drops", drops.ToString());
        rig.Figure("stream_mbps", Math.Round((await rig.Server.StreamAsync(FaultRig.Healthy)).GetProperty("counters").GetProperty("bytesIn").GetInt64() * 8 / 1e6 / (DateTime.UtcNow - rig.StartedAt).TotalSeconds, 2));
        Assert.True(closed, "the server kept the stuck viewer's connection open");
        Assert.True(gone - faultAt <= TimeSpan.FromSeconds(30), $"disconnected {(gone - faultAt).TotalSeconds:0.0} s after it stopped reading (bound 30 s)");
        Assert.True(drops.GetProperty("SkippedToKeyframe").GetInt64() > 0, drops.ToString());
        Assert.True(drops.GetProperty("Disconnected").GetInt64() >= 1, drops.ToString());

        await Task.Delay(FaultSettings.Window);
        rig.AssertWatchersUndisturbed(faultAt, DateTime.UtcNow);
        await rig.AssertMemorySettledAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary><see cref="FaultSettings.AbruptDisconnects"/> viewers join (50 at a time), get their first bytes, and drop the connection with a RST.</summary>
    [Fact]
    public async Task Abrupt_disconnects_leave_nothing_behind() =>
        await ChurnAsync("viewer-abrupt-disconnects", FaultSettings.AbruptDisconnects, parallel: 50, async (v, ct) =>
        {
            await v.ReadAtLeastAsync(1024, ct);
            v.Abort();
        });

    /// <summary><see cref="FaultSettings.Cycles"/> viewers join (8 at a time), get their first bytes, and leave with a close frame.</summary>
    [Fact]
    public async Task Connect_disconnect_cycles_leave_nothing_behind() =>
        await ChurnAsync("viewer-connect-disconnect-cycles", FaultSettings.Cycles, parallel: 8, async (v, ct) =>
        {
            await v.ReadAtLeastAsync(1024, ct);
            await v.CloseAsync(ct);
        });

    private async Task ChurnAsync(string fault, int count, int parallel, Func<RawWsViewer, CancellationToken, Task> leave)
    {
        await using var rig = await FaultRig.StartAsync(fault, output, []);
        await rig.MeasureBaselineAsync();

        var faultAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var failures = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = timeout.Token }, async (_, ct) =>
        {
            try
            {
                using var viewer = await RawWsViewer.ConnectAsync(rig.Server.Port, FaultRig.Healthy, ct: ct);
                await leave(viewer, ct);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                Interlocked.Increment(ref failures);
            }
        });
        var churn = clock.Elapsed;
        var settled = await WaitForViewersAsync(rig, rig.Watchers.Count, TimeSpan.FromSeconds(15));
        rig.Figure("viewers", count);
        rig.Figure("parallel", parallel);
        rig.Figure("churn_s", Math.Round(churn.TotalSeconds, 1));
        rig.Figure("viewers_per_s", Math.Round(count / churn.TotalSeconds));
        rig.Figure("viewer_count_back_after_s", Math.Round((settled - faultAt - churn).TotalSeconds, 2));
        rig.Figure("failed_joins", failures);
        Assert.Equal(0, failures);
        Assert.Equal("live", (await rig.Server.StreamAsync(FaultRig.Healthy)).GetProperty("state").GetString());

        await Task.Delay(FaultSettings.Window);
        rig.AssertWatchersUndisturbed(faultAt, DateTime.UtcNow);
        await rig.AssertMemorySettledAsync(TimeSpan.FromSeconds(15));
    }

    private static async Task<DateTime> WaitForViewersAsync(FaultRig rig, int expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        int viewers;
        while ((viewers = (await rig.Server.StreamAsync(FaultRig.Healthy)).GetProperty("viewers").GetInt32()) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{viewers} viewers, expected {expected} within {timeout}");
            await Task.Delay(50);
        }

        return DateTime.UtcNow;
    }
}
