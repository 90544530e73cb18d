using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CsCheck;

namespace LiveMux.Tests.Fuzz;

/// <summary>
/// Runs one fuzz target: a CsCheck generator and a check that throws when a property breaks.
/// <para>
/// Input i is generated from <c>new PCG(1, seed + i)</c>, so every run is reproducible from (seed, i). In CI
/// (LIVEMUX_FUZZ_ITERATIONS unset) each target runs a small fixed count from a fixed seed on one thread, which
/// takes well under a second. bench/run-fuzz.sh sets LIVEMUX_FUZZ_ITERATIONS, LIVEMUX_FUZZ_SEED and
/// LIVEMUX_FUZZ_RECORD: the target then runs on every core and appends one JSON line (target, executions,
/// duration, failures, seed) to the record file.
/// </para>
/// <para>
/// The check returns a label for what the input did (e.g. "rejected", "parsed"); the counts come back so a test
/// can assert that the inputs reached every outcome, and go into the record.
/// </para>
/// <para>
/// A failure names its input's index; LIVEMUX_FUZZ_SEED=seed LIVEMUX_FUZZ_FROM=index LIVEMUX_FUZZ_ITERATIONS=1
/// replays exactly that input.
/// </para>
/// <para>
/// A watchdog fails the target when one input runs longer than <see cref="HangAfter"/>: a thread stuck in a loop
/// cannot be stopped, but the test reports the input that hangs instead of hanging the run.
/// </para>
/// </summary>
internal static class FuzzRun
{
    public const int CiIterations = 400;
    public const ulong CiSeed = 0x4C6976654D7578;
    private static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(20);
    private static readonly Lock RecordLock = new();

    public static IReadOnlyDictionary<string, long> Check<T>(string target, Gen<T> gen, Func<T, string> check, Func<T, string> print, int ciIterations = CiIterations)
    {
        var configured = Environment.GetEnvironmentVariable("LIVEMUX_FUZZ_ITERATIONS");
        var iterations = configured is null ? ciIterations : long.Parse(configured, CultureInfo.InvariantCulture);
        var seed = Environment.GetEnvironmentVariable("LIVEMUX_FUZZ_SEED") is { Length: > 0 } text
            ? ulong.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : CiSeed;
        var threads = configured is null ? 1 : Environment.ProcessorCount;

        // LIVEMUX_FUZZ_FROM=i with LIVEMUX_FUZZ_ITERATIONS=1 replays the one input a failure names.
        var from = Environment.GetEnvironmentVariable("LIVEMUX_FUZZ_FROM") is { Length: > 0 } start ? long.Parse(start, CultureInfo.InvariantCulture) : 0;
        long next = from - 1;
        long executions = 0;
        var outcomes = new ConcurrentDictionary<string, long>();
        string? failure = null;
        var started = new long[threads];
        var inputs = new object?[threads];
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(w => Task.Factory.StartNew(() =>
        {
            while (Volatile.Read(ref failure) is null)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= from + iterations)
                {
                    return;
                }

                var value = gen.Generate(new PCG(1, seed + (ulong)i), null, out _);
                inputs[w] = value;
                Volatile.Write(ref started[w], Stopwatch.GetTimestamp());
                try
                {
                    outcomes.AddOrUpdate(check(value), 1, (_, n) => n + 1);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure,
                        $"{target}: input {i} of seed {seed:X} failed: {e.GetType().Name}: {e.Message}\ninput: {print(value)}\n{e.StackTrace}", null);
                }

                Volatile.Write(ref started[w], 0);
                Interlocked.Increment(ref executions);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        while (!Task.WaitAll(workers, TimeSpan.FromMilliseconds(250)))
        {
            var now = Stopwatch.GetTimestamp();
            var stuck = Array.FindIndex(started, t => t != 0 && Stopwatch.GetElapsedTime(t, now) > HangAfter);
            if (stuck >= 0)
            {
                Interlocked.CompareExchange(ref failure,
                    $"{target}: one input ran longer than {HangAfter.TotalSeconds} s (a hang)\ninput: {print((T)inputs[stuck]!)}", null);
                break;
            }
        }

        stopwatch.Stop();
        Record(target, Interlocked.Read(ref executions), stopwatch.Elapsed, failure, seed, threads, outcomes);
        Assert.True(failure is null, failure);
        Assert.Equal(iterations, executions);
        return outcomes;
    }

    private static void Record(string target, long executions, TimeSpan duration, string? failure, ulong seed, int threads, IDictionary<string, long> outcomes)
    {
        if (Environment.GetEnvironmentVariable("LIVEMUX_FUZZ_RECORD") is not { Length: > 0 } path)
        {
            return;
        }

        var line = JsonSerializer.Serialize(new
        {
            target,
            executions,
            durationSeconds = Math.Round(duration.TotalSeconds, 1),
            execsPerSecond = (long)(executions / Math.Max(duration.TotalSeconds, 0.001)),
            failures = failure is null ? 0 : 1,
            failure,
            seed = seed.ToString("X", CultureInfo.InvariantCulture),
            threads,
            outcomes = new SortedDictionary<string, long>(outcomes, StringComparer.Ordinal),
        });
        lock (RecordLock)
        {
            File.AppendAllText(path, line + "\n");
        }
    }
}
