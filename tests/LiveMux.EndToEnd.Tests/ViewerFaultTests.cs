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
        // 4 Mbps. Unbounded, the kernel's send buffer (4 MB here) would hold 8 s of it before the hub's queue saw
        // anything; the server caps a connection's unsent bytes at 128 KB (UnsentBytesLimit), a quarter second.
        await using var rig = await FaultRig.StartAsync("viewer-stops-reading", output, [], cameraArgs: HighBitrate);
        await rig.MeasureBaselineAsync();

        var faultAt = DateTime.UtcNow;
        using var stuck = await RawWsViewer.ConnectAsync(rig.Server.Port, FaultRig.Healthy, receiveBuffer: 4096);
        await WaitForViewersAsync(rig, 4, TimeSpan.FromSeconds(5));

        // Per policy: the socket fills, the queue fills (120 frames, 4 s at 30 fps), the viewer skips to
        // keyframes, and after 10 s of skipping it is disconnected.
        async Task<long> SkippedAsync() =>
            (await rig.Server.StreamAsync(FaultRig.Healthy)).GetProperty("counters").GetProperty("drops").TryGetProperty("SkippedToKeyframe", out var n) ? n.GetInt64() : 0;
        var skippedBefore = await SkippedAsync();
        var firstSkip = await WaitUntilAsync(async () => await SkippedAsync() > skippedBefore, TimeSpan.FromSeconds(30), "a skip");
        rig.Figure("first_skip_after_s", Math.Round((firstSkip - faultAt).TotalSeconds, 1));
        // The queue is 120 frames: 4 s only if the camera (x264 with noise, CPU-heavy) keeps up its 30 fps. Bench
        // (LIVEMUX_FAULTS_STRICT): 8 s, the 4 s queue, 128 KB unsent, the viewer's own buffer. CI: 16 s, the camera
        // at half its rate; frames held below the hub without bound (the kernel's 4 MB, 8 s more) still exceed it.
        var firstSkipBound = TimeSpan.FromSeconds(FaultSettings.Strict ? 8 : 16);
        Assert.True(firstSkip - faultAt <= firstSkipBound, $"first skip {(firstSkip - faultAt).TotalSeconds:0.0} s after it stopped reading: frames wait below the hub (bound {firstSkipBound.TotalSeconds:0} s)");
        var gone = await WaitForViewersAsync(rig, 3, TimeSpan.FromSeconds(40));
        var closed = await stuck.ServerClosedAsync(TimeSpan.FromSeconds(5));
        var drops = (await rig.Server.StreamAsync(FaultRig.Healthy)).GetProperty("counters").GetProperty("drops");
        rig.Figure("disconnected_after_s", Math.Round((gone - faultAt).TotalSeconds, 1));
        rig.Figure("viewer_drops", drops.ToString());
        rig.Figure("stream_mbps", Math.Round((await rig.Server.StreamAsync(FaultRig.Healthy)).GetProperty("counters").GetProperty("bytesIn").GetInt64() * 8 / 1e6 / (DateTime.UtcNow - rig.StartedAt).TotalSeconds, 2));
        Assert.True(closed, "the server kept the stuck viewer's connection open");
        // Bench: 20 s, the first skip, then 10 s of skipping. CI: 10 s of skipping after the first skip, with 4 s for
        // the machine; a viewer left skipping well past its 10 s fails.
        var goneBound = FaultSettings.Strict ? TimeSpan.FromSeconds(20) : firstSkip - faultAt + TimeSpan.FromSeconds(14);
        Assert.True(gone - faultAt <= goneBound, $"disconnected {(gone - faultAt).TotalSeconds:0.0} s after it stopped reading, {(gone - firstSkip).TotalSeconds:0.0} s after its first skip (bound {goneBound.TotalSeconds:0.0} s)");
        Assert.True(drops.GetProperty("SkippedToKeyframe").GetInt64() > 0, drops.ToString());
        Assert.True(drops.GetProperty("Disconnected").GetInt64() >= 1, drops.ToString());

        // From the moment it stopped reading: its skipping and its disconnection are all inside.
        rig.AssertWatchersUndisturbed(faultAt, DateTime.UtcNow);

        // RSS: the stuck viewer's queue (120 frames of a 4 Mbps stream, 2-8 MB) goes back to the pools and the
        // GC's regions, not to the OS; measured +17 to +23 MB.
        await rig.AssertMemorySettledAsync(TimeSpan.FromSeconds(10), rssToleranceMb: 40);
    }

    /// <summary>
    /// <see cref="FaultSettings.AbruptDisconnects"/> viewers a round join (50 at a time) and get their first
    /// bytes; a second later all of them drop their connections at once with a RST, as when a NAT or a proxy
    /// in front of many browsers dies. The watchers' latency is measured from the drop.
    /// </summary>
    [Fact]
    public async Task Abrupt_disconnects_leave_nothing_behind()
    {
        await using var rig = await FaultRig.StartAsync("viewer-abrupt-disconnects", output, []);
        await rig.MeasureBaselineAsync();
        var count = FaultSettings.AbruptDisconnects;
        var rounds = new List<object>();
        var afterRounds = new List<ServerProbe.Snapshot>();
        var faultAt = DateTime.MinValue;
        var windowEnd = DateTime.MinValue;
        for (var round = 0; round < FaultSettings.ChurnRounds; round++)
        {
            var viewers = new RawWsViewer[count];
            var clock = Stopwatch.StartNew();
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 50 }, async (i, ct) =>
            {
                viewers[i] = await RawWsViewer.ConnectAsync(rig.Server.Port, FaultRig.Healthy, ct: ct);
                await viewers[i].ReadAtLeastAsync(1024, ct);
            });
            var joined = clock.Elapsed;
            await WaitForViewersAsync(rig, rig.Watchers.Count + count, TimeSpan.FromSeconds(10));
            await Task.Delay(TimeSpan.FromSeconds(0.5));
            var held = await rig.Probe.SampleAsync();

            faultAt = DateTime.UtcNow;
            foreach (var v in viewers)
            {
                v.Abort();
            }

            var settled = await WaitForViewersAsync(rig, rig.Watchers.Count, TimeSpan.FromSeconds(15));
            await FullWindowAsync(faultAt);

            // The watchers' window ends here: the forced GC below pauses the server, which is the probe's doing.
            windowEnd = DateTime.UtcNow;
            await rig.Probe.CollectGarbageAsync();
            var after = await rig.Probe.SampleAsync();
            afterRounds.Add(after);
            rounds.Add(new
            {
                join_s = Math.Round(joined.TotalSeconds, 2),
                memory_with_viewers = held.ToJson(),
                viewer_count_back_after_s = Math.Round((settled - faultAt).TotalSeconds, 2),
                memory = after.ToJson(),
            });
        }

        rig.Figure("viewers_per_round", count);
        rig.Figure("rounds", rounds);

        // Holding 1,000 viewers grows the GC's regions and the pools (Kestrel's blocks, sockets' buffers): RSS
        // stays 50-80 MB above the baseline after they leave, flat from round to round.
        await AssertChurnLeftNothingAsync(rig, afterRounds, faultAt, windowEnd, rssToleranceMb: 96, heapToleranceMb: 16);
    }

    /// <summary><see cref="FaultSettings.Cycles"/> viewers a round join (8 at a time), get their first bytes, and leave with a close frame.</summary>
    [Fact]
    public async Task Connect_disconnect_cycles_leave_nothing_behind() =>
        await ChurnAsync("viewer-connect-disconnect-cycles", FaultSettings.Cycles, parallel: 8, async (v, ct) =>
        {
            await v.ReadAtLeastAsync(1024, ct);
            await v.CloseAsync(ct);
        });

    /// <summary>
    /// Runs the churn <see cref="FaultSettings.ChurnRounds"/> times; the watchers' latency is measured from
    /// the start of the last round.
    /// </summary>
    private async Task ChurnAsync(string fault, int count, int parallel, Func<RawWsViewer, CancellationToken, Task> leave)
    {
        await using var rig = await FaultRig.StartAsync(fault, output, []);
        await rig.MeasureBaselineAsync();

        var faultAt = DateTime.UtcNow;
        var windowEnd = DateTime.MinValue;
        var rounds = new List<object>();
        var afterRounds = new List<ServerProbe.Snapshot>();
        var failures = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        for (var round = 0; round < FaultSettings.ChurnRounds; round++)
        {
            faultAt = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
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
            var started = DateTime.UtcNow;
            var settled = await WaitForViewersAsync(rig, rig.Watchers.Count, TimeSpan.FromSeconds(15));
            await FullWindowAsync(faultAt);

            // The watchers' window ends here: the forced GC below pauses the server, which is the probe's doing.
            windowEnd = DateTime.UtcNow;
            await rig.Probe.CollectGarbageAsync();
            var after = await rig.Probe.SampleAsync();
            afterRounds.Add(after);
            rounds.Add(new
            {
                churn_s = Math.Round(churn.TotalSeconds, 1),
                viewers_per_s = Math.Round(count / churn.TotalSeconds),
                viewer_count_back_after_s = Math.Round((settled - started).TotalSeconds, 2),
                memory = after.ToJson(),
            });
        }

        rig.Figure("viewers_per_round", count);
        rig.Figure("parallel", parallel);
        rig.Figure("rounds", rounds);
        rig.Figure("failed_joins", failures);
        Assert.Equal(0, failures);
        await AssertChurnLeftNothingAsync(rig, afterRounds, faultAt, windowEnd, rssToleranceMb: 64, heapToleranceMb: 16);
    }

    /// <summary>
    /// Memory is checked after a forced full GC: against the baseline after the last round, and the last round
    /// against the ones before it but the first. A leak per viewer grows the managed heap every round; the
    /// runtime's one-off warm-up (pools, JIT) shows only in the first. RSS is reported and held to a loose bound:
    /// the server GC keeps regions it grew, so RSS does not come back to the baseline (README, Fault injection).
    /// </summary>
    private static async Task AssertChurnLeftNothingAsync(
        FaultRig rig, List<ServerProbe.Snapshot> afterRounds, DateTime lastRoundAt, DateTime lastRoundEnd, double rssToleranceMb, double heapToleranceMb)
    {
        var growth = ServerProbe.Mb(afterRounds[^1].GcHeapBytes - afterRounds.Skip(1).SkipLast(1).Max(s => s.GcHeapBytes));
        rig.Figure("gc_heap_growth_last_round_mb", growth);
        Assert.Equal("live", (await rig.Server.StreamAsync(FaultRig.Healthy)).GetProperty("state").GetString());
        Assert.True(growth <= 4, $"the managed heap grew {growth} MB in the last round over the rounds before it (not the first)");
        Assert.All(afterRounds, r => Assert.True(r.Sockets <= rig.Baseline.Sockets + 1, $"{r.Sockets} sockets after a round, {rig.Baseline.Sockets} before"));
        rig.AssertWatchersUndisturbed(lastRoundAt, lastRoundEnd);
        await rig.AssertMemorySettledAsync(TimeSpan.FromSeconds(15), rssToleranceMb, heapToleranceMb);
    }

    /// <summary>At least 1 s after the viewers are gone, and a whole latency window after <paramref name="from"/>, as long as each quiet window.</summary>
    private static async Task FullWindowAsync(DateTime from)
    {
        var rest = from + FaultSettings.Window - DateTime.UtcNow;
        await Task.Delay(rest > TimeSpan.FromSeconds(1) ? rest : TimeSpan.FromSeconds(1));
    }

    private static async Task<DateTime> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within {timeout}");
            await Task.Delay(50);
        }

        return DateTime.UtcNow;
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
