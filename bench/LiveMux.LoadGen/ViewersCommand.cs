using System.Text.Json;

namespace LiveMux.LoadGen;

/// <summary>
/// N viewers per URL for warm-up + window seconds. Prints one JSON object (the whole window) on stdout, and
/// with a report interval also one JSON line per interval before it, as the run goes.
/// </summary>
internal sealed class ViewersCommand(ViewersOptions options, TimeProvider time, TextWriter output, TextWriter log)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        var viewers = options.Urls.SelectMany((url, g) => Enumerable.Range(0, options.PerUrl).Select(_ => new Viewer(g, url, options.Request, time))).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var running = new List<Task>(viewers.Count);
        var started = time.GetTimestamp();
        var perTick = Math.Max(1, options.ConnectRate / 100);
        for (var i = 0; i < viewers.Count; i++)
        {
            var viewer = viewers[i];
            running.Add(Task.Run(() => viewer.RunAsync(stop.Token), CancellationToken.None));
            if ((i + 1) % perTick == 0)
            {
                await Task.Delay(10, cancel);
            }
        }

        await Task.Delay(Remaining(started, options.WarmupSeconds), cancel);
        foreach (var v in viewers)
        {
            v.Swap();
        }

        var parts = new List<WindowReport>();
        var intervals = new List<object>();
        var windowStart = time.GetTimestamp();
        var step = options.ReportEverySeconds > 0 ? options.ReportEverySeconds : options.Seconds;
        while (time.GetElapsedTime(windowStart).TotalSeconds < options.Seconds - 0.001)
        {
            var intervalStart = time.GetTimestamp();
            var length = Math.Min(step, options.Seconds - time.GetElapsedTime(windowStart).TotalSeconds);
            await Task.Delay(TimeSpan.FromSeconds(length), cancel);
            var seconds = time.GetElapsedTime(intervalStart).TotalSeconds;
            var part = WindowReport.From(viewers, viewers.Select(v => v.Swap()).ToList(), seconds);
            parts.Add(part);
            if (options.ReportEverySeconds > 0)
            {
                var line = new { interval = parts.Count, atSeconds = Percentiles.Round(time.GetElapsedTime(windowStart).TotalSeconds), report = part.ToJson() };
                intervals.Add(line);
                await output.WriteLineAsync(JsonSerializer.Serialize(line, Json));
                await output.FlushAsync(cancel);
                part.CameraLatencyMs.TrimExcess();
            }
        }

        await stop.CancelAsync();
        await Task.WhenAny(Task.WhenAll(running), Task.Delay(5000, CancellationToken.None));

        var firstFrames = viewers.Where(v => v.FirstFrameMs is not null).Select(v => (float)v.FirstFrameMs!.Value).ToList();
        var result = new
        {
            urls = options.Urls.Select(u => Redact(u)).ToArray(),
            viewers = viewers.Count,
            perUrl = options.PerUrl,
            warmupSeconds = options.WarmupSeconds,
            windowSeconds = options.Seconds,
            gotFrames = firstFrames.Count,
            firstFrameMs = Percentiles.Summary(firstFrames),
            closedEarly = viewers.Count(v => v.Closed),
            errors = viewers.Select(v => v.Error).OfType<string>().Distinct().Take(5).ToArray(),
            window = WindowReport.Combine(parts).ToJson(),
        };
        await output.WriteLineAsync(JsonSerializer.Serialize(result, Json));
        await log.WriteLineAsync($"viewers: {viewers.Count}, with frames {firstFrames.Count}, closed early {result.closedEarly}");
        return firstFrames.Count == 0 ? 1 : 0;
    }

    private TimeSpan Remaining(long since, double seconds)
    {
        var left = TimeSpan.FromSeconds(seconds) - time.GetElapsedTime(since);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static string Redact(Uri url) => url.Query.Contains("token=", StringComparison.OrdinalIgnoreCase)
        ? url.GetLeftPart(UriPartial.Path) + "?***"
        : url.ToString();
}
