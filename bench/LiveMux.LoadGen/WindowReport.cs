namespace LiveMux.LoadGen;

/// <summary>One reporting window over every viewer: frame shares, throughput and both latencies.</summary>
internal sealed class WindowReport
{
    public required double Seconds { get; init; }

    public required int[] Frames { get; init; }

    /// <summary>Frames the camera sent in the window, per viewer (from its URL's frame numbers).</summary>
    public required int[] Expected { get; init; }

    public required long[] Bytes { get; init; }

    public required List<float> CameraLatencyMs { get; init; }

    public required List<float> DeliveryLatencyMs { get; init; }

    public static WindowReport From(IReadOnlyList<Viewer> viewers, IReadOnlyList<ViewerWindow> windows, double seconds)
    {
        var expectedByGroup = new Dictionary<int, int>();
        foreach (var group in viewers.Select(v => v.Group).Distinct())
        {
            var seen = viewers.Select((v, i) => (v, w: windows[i])).Where(x => x.v.Group == group && x.w.Frames > 0).Select(x => x.w).ToList();
            expectedByGroup[group] = seen.Count == 0 ? 0 : (int)(seen.Max(w => w.MaxFrame) - seen.Min(w => w.MinFrame) + 1);
        }

        var camera = new List<float>();
        var delivery = new List<float>();
        foreach (var w in windows)
        {
            camera.AddRange(w.CameraLatencyMs);
            delivery.AddRange(w.DeliveryLatencyMs);
        }

        return new WindowReport
        {
            Seconds = seconds,
            Frames = windows.Select(w => w.Frames).ToArray(),
            Expected = viewers.Select(v => expectedByGroup[v.Group]).ToArray(),
            Bytes = windows.Select(w => w.Bytes).ToArray(),
            CameraLatencyMs = camera,
            DeliveryLatencyMs = delivery,
        };
    }

    public static WindowReport Combine(IReadOnlyList<WindowReport> parts)
    {
        var n = parts[0].Frames.Length;
        return new WindowReport
        {
            Seconds = parts.Sum(p => p.Seconds),
            Frames = Enumerable.Range(0, n).Select(i => parts.Sum(p => p.Frames[i])).ToArray(),
            Expected = Enumerable.Range(0, n).Select(i => parts.Sum(p => p.Expected[i])).ToArray(),
            Bytes = Enumerable.Range(0, n).Select(i => parts.Sum(p => p.Bytes[i])).ToArray(),
            CameraLatencyMs = parts.SelectMany(p => p.CameraLatencyMs).ToList(),
            DeliveryLatencyMs = parts.SelectMany(p => p.DeliveryLatencyMs).ToList(),
        };
    }

    public object ToJson()
    {
        var shares = Frames.Select((f, i) => Expected[i] == 0 ? 0 : Math.Min(1.0, (double)f / Expected[i])).ToList();
        var mbps = Bytes.Select(b => b * 8 / Seconds / 1e6).ToList();
        return new
        {
            seconds = Percentiles.Round(Seconds),
            framesExpectedMedian = Percentiles.Median(Expected.Select(e => (double)e).ToList()),
            frameShare = new
            {
                min = Percentiles.Round(shares.DefaultIfEmpty(0).Min() * 100),
                median = Percentiles.Round(Percentiles.Median(shares) * 100),
            },
            viewersUnder99Percent = shares.Count(s => s < 0.99),
            viewersWithoutFrames = Frames.Count(f => f == 0),
            mbps = new { min = Percentiles.Round(mbps.DefaultIfEmpty(0).Min()), median = Percentiles.Round(Percentiles.Median(mbps)), total = Percentiles.Round(mbps.Sum()) },
            cameraLatencyMs = Percentiles.Summary(CameraLatencyMs),
            deliveryLatencyMs = Percentiles.Summary(DeliveryLatencyMs),
        };
    }
}
