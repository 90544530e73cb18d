using System.Diagnostics;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Watches this test process for stalls: a thread-pool loop that asks for 10 ms sleeps and records how late it
/// woke. A latency spike seen by the watchers while this process itself stalled is the machine (2 shared
/// cores, tests run under nice), not LiveMux; the figures say which it was instead of guessing.
/// </summary>
internal sealed class StallMonitor : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(DateTime At, double LateMs)> _stalls = [];
    private readonly Task _loop;

    public StallMonitor() => _loop = Task.Run(LoopAsync);

    /// <summary>Wake-ups later than 15 ms (Task.Delay itself wakes up to ~7 ms late here) in [from, to), as (time, ms late).</summary>
    public List<(DateTime At, double LateMs)> Between(DateTime from, DateTime to)
    {
        lock (_stalls)
        {
            return [.. _stalls.Where(s => s.At >= from && s.At < to)];
        }
    }

    /// <summary>
    /// How much of [start, end] this process was provably not running: the overlap with the stalls, each
    /// [woke - late, woke]. A fragment stamped at <c>start</c> and received at <c>end</c> would have been
    /// received that much earlier by a client that was not itself stalled.
    /// </summary>
    public double StalledMs(DateTime start, DateTime end)
    {
        var total = 0.0;
        lock (_stalls)
        {
            for (var i = _stalls.Count - 1; i >= 0; i--)
            {
                var (woke, late) = _stalls[i];
                if (woke < start)
                {
                    break;
                }

                var from = woke.AddTicks(-(long)(late * TimeSpan.TicksPerMillisecond));
                var overlap = (Min(woke, end) - Max(from, start)).TotalMilliseconds;
                total += Math.Max(0, overlap);
            }
        }

        return total;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await Task.Delay(10, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var late = Stopwatch.GetElapsedTime(start).TotalMilliseconds - 10;
            if (late > 15)
            {
                lock (_stalls)
                {
                    _stalls.Add((DateTime.UtcNow, late));
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
