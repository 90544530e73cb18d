using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The LiveMux process's memory and handles: RSS and open descriptors from /proc (what the kernel says), the
/// managed heap from /metrics (what the GC says). A background loop keeps the peak while a fault runs.
/// </summary>
internal sealed class ServerProbe : IAsyncDisposable
{
    private readonly LiveMuxProcess _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private Snapshot _peak;

    /// <summary>
    /// Sockets are counted apart from all descriptors: a leaked connection shows there, while the first time a
    /// code path runs (a first camera error, say) the runtime maps a few more assemblies, which holds descriptors
    /// for the process's life without being a leak.
    /// </summary>
    public readonly record struct Snapshot(long RssBytes, long GcHeapBytes, int OpenFds, int Sockets, int Threads)
    {
        public Snapshot Max(Snapshot o) =>
            new(Math.Max(RssBytes, o.RssBytes), Math.Max(GcHeapBytes, o.GcHeapBytes), Math.Max(OpenFds, o.OpenFds), Math.Max(Sockets, o.Sockets), Math.Max(Threads, o.Threads));

        public object ToJson() => new { rss_mb = Mb(RssBytes), gc_heap_mb = Mb(GcHeapBytes), open_fds = OpenFds, sockets = Sockets, threads = Threads };
    }

    public ServerProbe(LiveMuxProcess server)
    {
        _server = server;
        _sampling = SampleLoopAsync();
    }

    /// <summary>The largest of each figure since the last <see cref="ResetPeak"/>.</summary>
    public Snapshot Peak
    {
        get
        {
            lock (_stop)
            {
                return _peak;
            }
        }
    }

    public void ResetPeak()
    {
        lock (_stop)
        {
            _peak = default;
        }
    }

    public static double Mb(long bytes) => Math.Round(bytes / 1048576.0, 1);

    public async Task<Snapshot> SampleAsync()
    {
        var status = await File.ReadAllLinesAsync($"/proc/{_server.Pid}/status");
        long Kb(string key) => long.Parse(status.First(l => l.StartsWith(key, StringComparison.Ordinal)).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        var threads = (int)(Kb("Threads:") / 1024);
        var fds = Directory.GetFiles($"/proc/{_server.Pid}/fd");
        var sockets = fds.Count(f => Target(f)?.StartsWith("socket:", StringComparison.Ordinal) == true);
        var metrics = await _server.Http.GetStringAsync(new Uri(_server.BaseUrl, "metrics"));
        var heap = (long)Metric(metrics, "dotnet_gc_heap_size_bytes");
        var snapshot = new Snapshot(Kb("VmRSS:"), heap, fds.Length, sockets, threads);
        lock (_stop)
        {
            _peak = _peak.Max(snapshot);
        }

        return snapshot;
    }

    private static string? Target(string link)
    {
        try
        {
            return new FileInfo(link).LinkTarget;
        }
        catch (IOException)
        {
            return null; // closed between the listing and the read
        }
    }

    /// <summary>
    /// Forces a full blocking garbage collection in LiveMux, from outside, as dotnet-gcdump does: an EventPipe
    /// session over the diagnostics socket that enables the runtime's GCHeapCollect keyword. Without it, a
    /// server GC with no allocation pressure may not run a gen2 collection for minutes, and the managed heap
    /// (and RSS) of viewers long gone reads like a leak. Returns how many gen2 collections it caused.
    /// </summary>
    public async Task<long> CollectGarbageAsync()
    {
        const long GcKeyword = 0x1;
        const long GcHeapCollectKeyword = 0x800000;
        var before = await Gen2CollectionsAsync();
        var client = new DiagnosticsClient(_server.Pid);
        using var session = await client.StartEventPipeSessionAsync(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcKeyword | GcHeapCollectKeyword)],
            requestRundown: false, circularBufferMB: 16, CancellationToken.None);
        var drain = session.EventStream.CopyToAsync(Stream.Null);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (await Gen2CollectionsAsync() == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await session.StopAsync(CancellationToken.None);
        await drain;
        return await Gen2CollectionsAsync() - before;
    }

    private async Task<long> Gen2CollectionsAsync()
    {
        var metrics = await _server.Http.GetStringAsync(new Uri(_server.BaseUrl, "metrics"));
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("dotnet_gc_collections_total", StringComparison.Ordinal) && l.Contains("\"2\"", StringComparison.Ordinal));
        return line is null ? -1 : (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>The sum of a family's samples in Prometheus text (e.g. the heap over all generations).</summary>
    public static double Metric(string text, string family) =>
        text.Split('\n')
            .Where(l => l.StartsWith(family, StringComparison.Ordinal) && (l.Length > family.Length && (l[family.Length] is ' ' or '{')))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private async Task SampleLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await SampleAsync();
                await Task.Delay(250, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or TaskCanceledException or FormatException)
            {
                // A scrape that failed under load, or a process gone: the next one counts, or the test reports it.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
