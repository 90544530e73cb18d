using BenchmarkDotNet.Attributes;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;
using LiveMux.Media.Rtp.H265;

namespace LiveMux.Benchmarks;

/// <summary>
/// The H.264 and H.265 access-unit packetizers over one GOP of 30 frames (a 40 KB keyframe, 8 KB predicted
/// frames, MTU 1400), reported per frame. The floor copies the same units once. Target: 0 bytes allocated per
/// frame.
/// </summary>
[MemoryDiagnoser]
public class PacketizerBenchmarks
{
    private const int Frames = 30;

    private byte[][] _units = null!;
    private byte[] _scratch = null!;
    private readonly int[] _counter = new int[1];
    private RtpPacketizer _packetizer = null!;

    [Params("H264", "H265")]
    public string Codec { get; set; } = "H264";

    [GlobalSetup]
    public void Setup()
    {
        var h265 = Codec == "H265";
        var gop = NalClip.Gop(h265, Frames, keySliceBytes: 40 * 1024, sliceBytes: 8 * 1024, slices: 1);
        // The access units as depacketizers hand them out: 4-byte lengths, parameter sets left to the format.
        _units = [.. gop.Select(frame => frame.Skip(frame.Count - 1).SelectMany(n => (byte[])[(byte)(n.Length >> 24), (byte)(n.Length >> 16), (byte)(n.Length >> 8), (byte)n.Length, .. n]).ToArray())];
        var parameterSets = gop[0].Take(gop[0].Count - 1).ToArray();
        var options = new RtpPacketizerOptions { MaxPayloadSize = NalClip.Mtu };
        _packetizer = h265 ? new H265Packetizer(options, parameterSets) : new H264Packetizer(options, parameterSets);
        _scratch = new byte[_units.Max(u => u.Length)];
        Packetize();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames, Description = "floor: copy units")]
    public int Copy()
    {
        var total = 0;
        foreach (var unit in _units)
        {
            unit.CopyTo(_scratch, 0);
            total += unit.Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "packetize")]
    public int Packetize()
    {
        _counter[0] = 0;
        for (var i = 0; i < _units.Length; i++)
        {
            _packetizer.Packetize(_units[i], (long)i * NalClip.FrameTicks, static (packet, c) => c[0] += packet.Length, _counter);
        }

        return _counter[0];
    }
}
