using System.Buffers;
using BenchmarkDotNet.Attributes;
using LiveMux.Media.Mp4;

namespace LiveMux.Benchmarks;

/// <summary>
/// The muxer's per-frame work: one prft+moof+mdat (<see cref="MediaFragment"/>) written into a reused pooled
/// buffer, with the prft's receive time read as the hub does, for an 8 KB video frame and a 372 B AAC frame.
/// The floor copies the sample once. Reported per frame; target 0 bytes allocated.
/// </summary>
[MemoryDiagnoser]
public class MediaFragmentBenchmarks
{
    private const int Frames = 30;

    private byte[] _sample = null!;
    private byte[] _fragment = null!;
    private uint _sequence;
    private ulong _decodeTime;

    [Params("video 8 KB", "audio 372 B")]
    public string Frame { get; set; } = "";

    private bool IsVideo => Frame.StartsWith("video", StringComparison.Ordinal);

    [GlobalSetup]
    public void Setup()
    {
        _sample = new byte[IsVideo ? 8 * 1024 : 372];
        new Random(42).NextBytes(_sample);
        _fragment = ArrayPool<byte>.Shared.Rent(MediaFragment.HeaderSize + _sample.Length);
    }

    [GlobalCleanup]
    public void Cleanup() => ArrayPool<byte>.Shared.Return(_fragment);

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames, Description = "floor: copy sample")]
    public int Copy()
    {
        var bytes = 0;
        for (var f = 0; f < Frames; f++)
        {
            _sample.CopyTo(_fragment, MediaFragment.HeaderSize);
            bytes += _sample.Length;
        }

        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "prft+moof+mdat")]
    public int Write()
    {
        var bytes = 0;
        var duration = IsVideo ? 3000u : 1024u;
        for (var f = 0; f < Frames; f++)
        {
            var received = ProducerReferenceTime.ToNtp(TimeProvider.System.GetUtcNow());
            var header = new FragmentHeader(++_sequence, IsVideo ? 1u : 2u, _decodeTime, duration, _sample.Length,
                IsSync: !IsVideo || f == 0, ReceivedNtp: received);
            _decodeTime += duration;
            bytes += MediaFragment.Write(_fragment, header, _sample);
        }

        return bytes;
    }
}
