using BenchmarkDotNet.Attributes;
using LiveMux.Media.Codecs.H264;

namespace LiveMux.Benchmarks;

/// <summary>SPS parsing runs once per parameter-set change, not per frame; this keeps it honest anyway.</summary>
[MemoryDiagnoser]
public class SpsParseBenchmarks
{
    // x264 baseline 320x240 and high 1920x1080 with VUI (tests/LiveMux.Media.Tests/Codecs/H264/SpsSamples.cs).
    private static readonly byte[] Baseline = Convert.FromHexString("6742c00dd90141fb0110000003001000000303c0f142a480");
    private static readonly byte[] High1080 = Convert.FromHexString("67640028acd940780227e5c044000003000400000300f03c60c658");

    [Benchmark(Baseline = true)]
    public int ParseBaseline320() => Sps.TryParse(Baseline, out var sps, out _) ? sps.Width : -1;

    [Benchmark]
    public int ParseHigh1080() => Sps.TryParse(High1080, out var sps, out _) ? sps.Width : -1;
}
