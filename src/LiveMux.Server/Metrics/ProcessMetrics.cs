using System.Diagnostics;

namespace LiveMux.Server.Metrics;

/// <summary>
/// The process families, under the names the official Go and Python clients use (<c>process_*</c>), so
/// existing dashboards and alerts work, plus the .NET runtime's GC figures (<c>dotnet_*</c>).
/// </summary>
internal static class ProcessMetrics
{
    public static void Write(PrometheusTextWriter w)
    {
        using var process = Process.GetCurrentProcess();
        w.Family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
        w.Sample(process.TotalProcessorTime.TotalSeconds);
        w.Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
        w.Sample(process.WorkingSet64);
        w.Family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
        w.Sample(process.VirtualMemorySize64);
        w.Family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
        w.Sample(new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        w.Family("process_num_threads", "gauge", "Number of OS threads in the process.");
        w.Sample(process.Threads.Count);
        if (OpenFileDescriptors() is { } fds)
        {
            w.Family("process_open_fds", "gauge", "Number of open file descriptors.");
            w.Sample(fds);
        }

        w.Family("dotnet_gc_collections_total", "counter", "Garbage collections, by generation.");
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            w.Sample(GC.CollectionCount(generation), ("generation", generation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        w.Family("dotnet_gc_heap_size_bytes", "gauge", "Bytes the GC thinks are allocated on the managed heap.");
        w.Sample(GC.GetTotalMemory(forceFullCollection: false));
        w.Family("dotnet_gc_allocated_bytes_total", "counter", "Bytes allocated on the managed heap since the process started.");
        w.Sample(GC.GetTotalAllocatedBytes());
        w.Family("dotnet_gc_pause_seconds_total", "counter", "Time the runtime was paused for garbage collection.");
        w.Sample(GC.GetTotalPauseDuration().TotalSeconds);
    }

    /// <summary>Entries of /proc/self/fd on Linux; null elsewhere, where the family is left out.</summary>
    private static int? OpenFileDescriptors()
    {
        try
        {
            return Directory.Exists("/proc/self/fd") ? Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
