using BenchmarkDotNet.Attributes;
using LiveMux.Media.Rtp;

namespace LiveMux.Benchmarks;

/// <summary>
/// A video depacketizer over one endless GOP of 30 frames, reported per frame, for each packetization:
/// <list type="bullet">
/// <item>Single: 1.2 KB IDR and 1 KB P slices, one NAL unit per packet (a sub-stream).</item>
/// <item>Fragmented: a 40 KB IDR and 8 KB P slices at MTU 1400 (about 7 packets per frame).</item>
/// <item>Aggregated: four 200-250 B slices per frame in one aggregation packet (parameter sets too).</item>
/// </list>
/// The floor copies the same RTP payloads once. Target: 0 bytes allocated per frame.
/// </summary>
[MemoryDiagnoser]
public abstract class NalDepacketizerBenchmarks
{
    private const int Frames = 30;

    private RtpReplay _replay = null!;
    private IDepacketizer _depacketizer = null!;

    [Params(NalPacketization.Single, NalPacketization.Fragmented, NalPacketization.Aggregated)]
    public NalPacketization Mode { get; set; }

    protected abstract bool H265 { get; }

    [GlobalSetup]
    public void Setup()
    {
        var gop = Mode switch
        {
            NalPacketization.Single => NalClip.Gop(H265, Frames, keySliceBytes: 1200, sliceBytes: 1000, slices: 1),
            NalPacketization.Fragmented => NalClip.Gop(H265, Frames, keySliceBytes: 40 * 1024, sliceBytes: 8 * 1024, slices: 1),
            _ => NalClip.Gop(H265, Frames, keySliceBytes: 200, sliceBytes: 250, slices: 4),
        };
        _replay = new RtpReplay(NalClip.Packetize(gop, H265, Mode), Frames * NalClip.FrameTicks);
        _depacketizer = Create();

        // Steady state: parameter sets parsed, config built, buffers rented.
        for (var i = 0; i < 3; i++)
        {
            _replay.Depacketize(_depacketizer, _replay.Count);
        }

        if (_depacketizer.Config is null)
        {
            throw new InvalidOperationException("no decoder configuration after three GOPs");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _depacketizer.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames, Description = "floor: copy payloads")]
    public int Copy() => _replay.Copy(_replay.Count);

    [Benchmark(OperationsPerInvoke = Frames, Description = "depacketize")]
    public int Depacketize()
    {
        var units = _replay.Depacketize(_depacketizer, _replay.Count);
        return units == Frames ? units : throw new InvalidOperationException($"{units} access units from {Frames} frames");
    }

    protected abstract IDepacketizer Create();
}
