namespace LiveMux.LoadGen;

/// <summary>One reporting window over every viewer: frame shares, throughput and both latencies.</summary>
internal sealed class WindowReport
{
    public required double Seconds { get; init; }

    public required int[] Frames { get; init; }

    /// <summary>Frames the camera sent in the window, per viewer (from its URL's frame numbers).</summary>
    public required int[] Expected { get; init; }

    /// <summary>Per viewer: its last frame number in the window - its first + 1.</summary>
    public required int[] Spans { get; init; }

    public required long[] Bytes { get; init; }

    public required List<float> CameraLatencyMs { get; init; }

    public required List<float> DeliveryLatencyMs { get; init; }

    /// <summary>How many reporting windows were combined into this one (each has two edges).</summary>
    public int Parts { get; init; } = 1;

    private const int EdgeFrames = 2;

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
            Spans = windows.Select(w => w.Frames == 0 ? 0 : (int)(w.MaxFrame - w.MinFrame + 1)).ToArray(),
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
            Parts = parts.Sum(p => p.Parts),
            Frames = Enumerable.Range(0, n).Select(i => parts.Sum(p => p.Frames[i])).ToArray(),
            Expected = Enumerable.Range(0, n).Select(i => parts.Sum(p => p.Expected[i])).ToArray(),
            Spans = Enumerable.Range(0, n).Select(i => parts.Sum(p => p.Spans[i])).ToArray(),
            Bytes = Enumerable.Range(0, n).Select(i => parts.Sum(p => p.Bytes[i])).ToArray(),
            CameraLatencyMs = parts.SelectMany(p => p.CameraLatencyMs).ToList(),
            DeliveryLatencyMs = parts.SelectMany(p => p.DeliveryLatencyMs).ToList(),
        };
    }

    public object ToJson()
    {
        // A frame on the window's edge reaches some viewers before the reporter's swap and others after it, so
        // the frame numbers all viewers saw can span one or two more than any one viewer's window holds. A gap
        // inside a viewer's own span, or a span cut short (a viewer that fell silent), is a real loss.
        var shares = Frames.Select((f, i) => Expected[i] == 0 ? 0 : Math.Min(1.0, (double)f / Math.Max(Spans[i], Expected[i] - EdgeFrames * Parts))).ToList();
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
