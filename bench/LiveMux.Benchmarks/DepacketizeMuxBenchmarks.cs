using System.Buffers;
using BenchmarkDotNet.Attributes;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;

namespace LiveMux.Benchmarks;

/// <summary>
/// The per-frame hot path of a stream: RTP packets of one frame -> H264Depacketizer -> one prft+moof+mdat written
/// into a reused pooled buffer. Reported per frame (OperationsPerInvoke = frames per GOP), averaged over a
/// GOP of one 40 KB IDR and 29 8 KB P frames at MTU 1400. Target: 0 bytes allocated per frame.
/// </summary>
[MemoryDiagnoser]
public class DepacketizeMuxBenchmarks
{
    private const int Gop = 30;

    private SyntheticClip _clip = null!;
    private H264Depacketizer _depacketizer = null!;
    private byte[] _fragment = null!;
    private uint _fragmentSequence;
    private long _previousTimestamp;

    [GlobalSetup]
    public void Setup()
    {
        _clip = new SyntheticClip(Gop, idrBytes: 40 * 1024, pBytes: 8 * 1024);
        _depacketizer = new H264Depacketizer();
        _fragment = ArrayPool<byte>.Shared.Rent(MediaFragment.HeaderSize + _clip.LargestFrameBytes);

        // Reach steady state: parameter sets parsed, config built, buffers rented.
        for (var i = 0; i < 3; i++)
        {
            DepacketizeAndMuxOneGop();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _depacketizer.Dispose();
        ArrayPool<byte>.Shared.Return(_fragment);
    }

    /// <summary>The floor: copying each frame's RTP payloads once, which any transmuxer has to do.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Gop, Description = "floor: copy one frame's payloads")]
    public int CopyOneGop()
    {
        var bytes = 0;
        for (var f = 0; f < Gop; f++)
        {
            var written = 0;
            foreach (var data in _clip.Next(f))
            {
                data.AsSpan(12).CopyTo(_fragment.AsSpan(written));
                written += data.Length - 12;
            }

            bytes += written;
        }

        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Gop, Description = "depacketize + mux one frame")]
    public int DepacketizeAndMuxOneGop()
    {
        var bytes = 0;
        for (var f = 0; f < Gop; f++)
        {
            bytes += DepacketizeAndMux(_clip.Next(f));
        }

        return bytes;
    }

    private int DepacketizeAndMux(byte[][] packets)
    {
        var written = 0;
        foreach (var data in packets)
        {
            if (RtpPacket.TryParse(data, out var packet) != RtpParseStatus.Ok)
            {
                throw new InvalidOperationException("bad packet");
            }

            var status = _depacketizer.Push(packet, out var unit);
            if (status == DepacketizeStatus.Dropped)
            {
                throw new InvalidOperationException($"dropped: {_depacketizer.LastDropReason}");
            }

            if (status == DepacketizeStatus.AccessUnit)
            {
                var duration = _previousTimestamp == 0 ? SyntheticClip.FrameTicks : (uint)(unit.Timestamp - _previousTimestamp);
                _previousTimestamp = unit.Timestamp;
                // The prft's receive time, stamped as the hub does.
                var received = ProducerReferenceTime.ToNtp(TimeProvider.System.GetUtcNow());
                var header = new FragmentHeader(++_fragmentSequence, 1, (ulong)unit.Timestamp, duration, unit.Length, unit.IsKeyframe, ReceivedNtp: received);
                written = MediaFragment.Write(_fragment, header, unit.Data);
                unit.Dispose();
            }
        }

        return written;
    }
}
