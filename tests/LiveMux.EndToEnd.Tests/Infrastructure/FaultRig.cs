using System.Text.Json;
using LiveMux.Tests;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>
/// What every fault test stands on: a healthy camera and its stream, LiveMux, a few <see cref="LatencyViewer"/>s
/// watching a stream the fault must not disturb, and a <see cref="ServerProbe"/>. It measures the watchers'
/// latency p95 in two windows before the fault (their difference is the machine's noise) and one after, checks
/// memory and handles against the baseline, and writes every figure to the test output and, as one JSON line,
/// to <see cref="FaultSettings.ResultsFile"/>.
/// </summary>
internal sealed class FaultRig : IAsyncDisposable
{
    public const string Healthy = "healthy";

    /// <summary>Small pictures: x264 for two cameras must leave the two shared cores to LiveMux.</summary>
    public static readonly string[] CameraArgs = ["--fps", "30", "--gop", "30", "--width", "320", "--height", "240", "--bitrate", "300"];

    private readonly ITestOutputHelper _output;
    private readonly Dictionary<string, object?> _figures = [];
    private readonly List<LatencyViewer> _watchers = [];
    private readonly StallMonitor _stalls = new();
    private DateTime _baselineFrom;
    private DateTime _baselineTo;

    private FaultRig(string fault, ITestOutputHelper output, TestCamera camera, LiveMuxProcess server)
    {
        _output = output;
        _figures["fault"] = fault;
        _figures["utc"] = DateTime.UtcNow.ToString("O");
        HealthyCamera = camera;
        Server = server;
        Probe = new ServerProbe(server);
    }

    public TestCamera HealthyCamera { get; }

    public DateTime StartedAt { get; } = DateTime.UtcNow;

    public LiveMuxProcess Server { get; }

    public ServerProbe Probe { get; }

    public IReadOnlyList<LatencyViewer> Watchers => _watchers;

    public ServerProbe.Snapshot Baseline { get; private set; }

    /// <summary>Starts the healthy camera and LiveMux with its stream plus <paramref name="config"/>, and <paramref name="watchers"/> viewers of <paramref name="watched"/>.</summary>
    public static async Task<FaultRig> StartAsync(string fault, ITestOutputHelper output, string[] config, string watched = Healthy, int watchers = 3, string[]? cameraArgs = null)
    {
        var camera = await TestCamera.StartAsync(0, cameraArgs ?? CameraArgs);
        LiveMuxProcess server;
        try
        {
            server = await LiveMuxProcess.StartAsync([$"--LiveMux:Streams:{Healthy}:Url={camera.Url()}", .. config]);
        }
        catch
        {
            await camera.DisposeAsync();
            throw;
        }

        var rig = new FaultRig(fault, output, camera, server);
        for (var i = 0; i < watchers; i++)
        {
            rig._watchers.Add(await LatencyViewer.ConnectAsync(server.WebSocketUrl(watched), $"watcher{i}"));
        }

        foreach (var w in rig._watchers)
        {
            await w.WaitForFragmentsAsync(30, TimeSpan.FromSeconds(20));
        }

        return rig;
    }

    public void Figure(string key, object? value)
    {
        _figures[key] = value;
        _output.WriteLine($"{key} = {JsonSerializer.Serialize(value)}");
    }

    /// <summary>Two quiet windows: their p95s and how far apart they are (noise), and the memory baseline.</summary>
    public async Task MeasureBaselineAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(0.5)); // the join burst (cached GOP) is not steady state
        Assert.True(await Probe.CollectGarbageAsync() > 0, "could not force a full GC in LiveMux");
        Baseline = await Probe.SampleAsync();
        _baselineFrom = DateTime.UtcNow;
        await Task.Delay(FaultSettings.Window * 2);
        _baselineTo = DateTime.UtcNow;
        var mid = _baselineFrom + FaultSettings.Window;
        var first = Stats(_baselineFrom, mid);
        var second = Stats(mid, _baselineTo);
        Figure("memory_baseline", Baseline.ToJson());
        Figure("p95_quiet_1_ms", first.P95);
        Figure("p95_quiet_2_ms", second.P95);
        Figure("p95_quiet_raw_ms", new[] { Stats(_baselineFrom, mid, raw: true).P95, Stats(mid, _baselineTo, raw: true).P95 });
        Figure("p95_noise_pct", Math.Round(Math.Abs(second.P95 - first.P95) / first.P95 * 100, 1));
        Figure("p50_quiet_ms", Stats(_baselineFrom, _baselineTo).P50);
        Probe.ResetPeak();
    }

    /// <summary>
    /// No watcher lost a frame or was dropped, and they got fragments after the fault. Their p95 from the fault to
    /// <paramref name="to"/> against the quiet windows' is recorded, and asserted (within 10% or the floor, whichever
    /// is larger) only when <see cref="FaultSettings.Strict"/>: it measures the machine's other load as much as LiveMux.
    /// </summary>
    public void AssertWatchersUndisturbed(DateTime faultAt, DateTime to)
    {
        var before = Stats(_baselineFrom, _baselineTo);
        var after = Stats(faultAt, to);
        var allowed = Math.Max(before.P95 * 0.10, FaultSettings.P95FloorMs);
        Figure("p95_before_ms", before.P95);
        Figure("p95_after_ms", after.P95);
        Figure("p95_before_raw_ms", Stats(_baselineFrom, _baselineTo, raw: true).P95);
        Figure("p95_after_raw_ms", Stats(faultAt, to, raw: true).P95);
        Figure("p95_change_pct", Math.Round((after.P95 - before.P95) / before.P95 * 100, 1));
        Figure("p95_allowed_increase_ms", Math.Round(allowed, 2));
        Figure("watcher_samples_after", after.Count);
        Figure("watcher_max_after_raw_ms", Math.Round(_watchers.SelectMany(w => w.Samples(faultAt, to)).Select(s => s.LatencyMs).DefaultIfEmpty(0).Max(), 1));
        Figure("watcher_max_before_raw_ms", Math.Round(_watchers.SelectMany(w => w.Samples(_baselineFrom, _baselineTo)).Select(s => s.LatencyMs).DefaultIfEmpty(0).Max(), 1));
        Figure("watcher_frames_missing", _watchers.Sum(w => w.Missing));
        RecordSlowSamples(faultAt, to);
        Assert.True(after.Count > 0, "the watchers got nothing after the fault");
        if (FaultSettings.Strict)
        {
            Assert.True(after.P95 - before.P95 <= allowed, $"watchers' p95 went from {before.P95} ms to {after.P95} ms (allowed +{allowed:0.##} ms)");
        }
        Assert.All(_watchers, w => Assert.Equal(0, w.Missing));
        Assert.All(_watchers, w => Assert.False(w.Closed, $"{w.Name} was disconnected"));
    }

    /// <summary>
    /// Which watcher samples took over 20 ms (time from <paramref name="from"/>, latency, sequence number), and
    /// when this test process itself stalled: the two together tell a machine-wide stall from LiveMux's own.
    /// </summary>
    public void RecordSlowSamples(DateTime from, DateTime to)
    {
        var slow = _watchers.SelectMany(w => w.Samples(from, to)).Where(s => s.LatencyMs > 20).OrderBy(s => s.At).ToList();
        Figure("watcher_samples_over_20ms", slow.Count);
        Figure("watcher_over_20ms_first", slow.Take(6).Select(s => $"+{(s.At - from).TotalSeconds:0.000}s {s.LatencyMs:0}ms #{s.Sequence}").ToList());
        Figure("test_process_stalls", _stalls.Between(from, to).Where(s => s.LateMs > 20).Select(s => $"+{(s.At - from).TotalSeconds:0.000}s {s.LateMs:0}ms").ToList());
    }

    /// <summary>
    /// Forces full GCs and waits up to <paramref name="settle"/> for memory and handles to come back near the baseline, records
    /// the peak and the settled values, and asserts: sockets at most 1 above the baseline, all descriptors at most
    /// 24 above it (assemblies a first error path maps, see <see cref="ServerProbe.Snapshot"/>); RSS at most
    /// <paramref name="rssToleranceMb"/> above it; the managed heap at most <paramref name="heapToleranceMb"/> above it.
    /// </summary>
    public async Task AssertMemorySettledAsync(TimeSpan settle, double rssToleranceMb = 24, double heapToleranceMb = 16)
    {
        var peak = Probe.Peak;
        var deadline = DateTime.UtcNow + settle;
        ServerProbe.Snapshot now;
        bool Settled(ServerProbe.Snapshot s) =>
            s.Sockets <= Baseline.Sockets + 1
            && s.OpenFds <= Baseline.OpenFds + 24
            && ServerProbe.Mb(s.RssBytes - Baseline.RssBytes) <= rssToleranceMb
            && ServerProbe.Mb(s.GcHeapBytes - Baseline.GcHeapBytes) <= heapToleranceMb;
        var started = DateTime.UtcNow;
        var collections = 0L;
        while (true)
        {
            // Compared after a full GC, as the baseline was: what is left is what LiveMux still holds.
            collections += await Probe.CollectGarbageAsync();
            if (Settled(now = await Probe.SampleAsync()) || DateTime.UtcNow >= deadline)
            {
                break;
            }

            await Task.Delay(500);
        }

        Figure("forced_full_gcs", collections);

        Figure("memory_peak", peak.Max(Probe.Peak).ToJson());
        Figure("memory_after", now.ToJson());
        Figure("memory_settle_s", Math.Round((DateTime.UtcNow - started).TotalSeconds, 1));
        Figure("rss_growth_mb", ServerProbe.Mb(now.RssBytes - Baseline.RssBytes));
        Assert.True(now.Sockets <= Baseline.Sockets + 1, $"open sockets {Baseline.Sockets} -> {now.Sockets}");
        Assert.True(now.OpenFds <= Baseline.OpenFds + 24, $"open fds {Baseline.OpenFds} -> {now.OpenFds}");
        Assert.True(ServerProbe.Mb(now.RssBytes - Baseline.RssBytes) <= rssToleranceMb, $"RSS {ServerProbe.Mb(Baseline.RssBytes)} -> {ServerProbe.Mb(now.RssBytes)} MB");
        Assert.True(ServerProbe.Mb(now.GcHeapBytes - Baseline.GcHeapBytes) <= heapToleranceMb, $"GC heap {ServerProbe.Mb(Baseline.GcHeapBytes)} -> {ServerProbe.Mb(now.GcHeapBytes)} MB");
        Assert.False(Server.HasExited, "LiveMux exited:\n" + Server.Log);
    }

    /// <summary>Polls /api/streams until the stream is live; returns when it was first seen live.</summary>
    public async Task<DateTime> WaitForLiveAsync(string stream, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var state = (await Server.StreamAsync(stream)).GetProperty("state").GetString();
            if (state == "live")
            {
                return DateTime.UtcNow;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{stream} is {state}, not live, {timeout} after the fault ended");
            await Task.Delay(50);
        }
    }

    /// <summary>Polls /api/streams until the stream leaves live (the fault was noticed).</summary>
    public async Task WaitForStateAsync(string stream, string expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? state;
        while ((state = (await Server.StreamAsync(stream)).GetProperty("state").GetString()) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{stream} is {state}, expected {expected} within {timeout}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The watchers' latency percentiles over fragments received in [from, to). Corrected: minus the time this
    /// test process was itself stalled while the fragment was on its way (see <see cref="StallMonitor"/>);
    /// raw: as received. Both are reported; the assertion uses the corrected figures.
    /// </summary>
    private (double P50, double P95, int Count) Stats(DateTime from, DateTime to, bool raw = false)
    {
        var all = _watchers.SelectMany(w => w.Samples(from, to))
            .Select(s => raw ? s.LatencyMs : s.LatencyMs - _stalls.StalledMs(s.At.AddTicks(-(long)(s.LatencyMs * TimeSpan.TicksPerMillisecond)), s.At))
            .Order().ToArray();
        return all.Length == 0 ? (0, 0, 0) : (Percentile(all, 0.50), Percentile(all, 0.95), all.Length);
    }

    /// <summary>The p95 of [from, to), corrected for this process's own stalls, and raw.</summary>
    public (double Corrected, double Raw) P95(DateTime from, DateTime to) => (Stats(from, to).P95, Stats(from, to, raw: true).P95);

    /// <summary>Nearest-rank percentile of sorted values, in ms to 0.01.</summary>
    public static double Percentile(double[] sorted, double p) =>
        Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 2);

    public async ValueTask DisposeAsync()
    {
        // The server and camera go whatever else fails here: a test run must not leave them behind.
        try
        {
            foreach (var w in _watchers)
            {
                await w.DisposeAsync();
            }

            await Probe.DisposeAsync();
            await _stalls.DisposeAsync();
            if (FaultSettings.ResultsFile is { } file)
            {
                var line = JsonSerializer.Serialize(_figures) + "\n";
                lock (s_fileLock)
                {
                    File.AppendAllText(file, line);
                }
            }
        }
        finally
        {
            if (Server.HasExited)
            {
                _output.WriteLine("LiveMux exited; its log:\n" + Server.Log);
            }

            await Server.DisposeAsync();
            await HealthyCamera.DisposeAsync();
        }
    }

    private static readonly Lock s_fileLock = new();
}
