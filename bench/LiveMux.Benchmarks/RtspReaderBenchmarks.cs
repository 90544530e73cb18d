using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using LiveMux.Rtsp.Protocol;

namespace LiveMux.Benchmarks;

/// <summary>
/// <see cref="RtspMessageReader"/> over 16 back-to-back messages in 4 KB segments (the Pipe's segment size), so
/// frames straddle segments as they do on a socket, reported per message:
/// <list type="bullet">
/// <item>a PLAY reply with its headers (once per session);</item>
/// <item>a DESCRIBE reply with a two-track SDP body (once per session);</item>
/// <item>"$"-interleaved RTP frames of 1,400 B, the hot path: framed, then copied out as the session does.</item>
/// </list>
/// The floor copies the same bytes once. Target for interleaved frames: 0 bytes allocated.
/// </summary>
[MemoryDiagnoser]
public class RtspReaderBenchmarks
{
    private const int Messages = 16;
    private static readonly RtspReaderLimits Limits = new(16 * 1024, 256 * 1024, 65535);

    private ReadOnlySequence<byte> _input;
    private byte[] _scratch = null!;

    [Params("PLAY reply", "DESCRIBE reply", "interleaved RTP")]
    public string Message { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var one = Message switch
        {
            "PLAY reply" => Encoding.ASCII.GetBytes(
                "RTSP/1.0 200 OK\r\nCSeq: 5\r\nSession: 12345678;timeout=60\r\nRange: npt=0.000-\r\n" +
                "RTP-Info: url=rtsp://192.168.1.20:554/stream1/trackID=1;seq=45102;rtptime=1893746102," +
                "url=rtsp://192.168.1.20:554/stream1/trackID=2;seq=3318;rtptime=2837461\r\n" +
                "Date: Tue, Nov 24 2026 15:20:00 GMT\r\nServer: Rtsp Server/3.0\r\n\r\n"),
            "DESCRIBE reply" => Describe(),
            _ => Interleaved(1400),
        };
        var all = new byte[one.Length * Messages];
        for (var i = 0; i < Messages; i++)
        {
            one.CopyTo(all, i * one.Length);
        }

        _input = SegmentedSequence.Create(all, 4096);
        _scratch = new byte[all.Length];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "floor: copy bytes")]
    public long Copy()
    {
        _input.CopyTo(_scratch);
        return _input.Length;
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "RtspMessageReader.TryRead")]
    public int Read()
    {
        var buffer = _input;
        var count = 0;
        while (RtspMessageReader.TryRead(ref buffer, Limits, out var frame))
        {
            if (frame.Kind == RtspFrameKind.Interleaved)
            {
                frame.Payload.CopyTo(_scratch);
            }

            count++;
        }

        return count == Messages ? count : throw new InvalidOperationException($"{count} of {Messages} messages read");
    }

    internal static byte[] Describe()
    {
        var sdp = SdpParseBenchmarks.CameraSdp;
        return Encoding.ASCII.GetBytes(
            "RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Type: application/sdp\r\n" +
            "Content-Base: rtsp://192.168.1.20:554/stream1/\r\n" +
            $"Content-Length: {Encoding.ASCII.GetByteCount(sdp)}\r\nDate: Tue, Nov 24 2026 15:20:00 GMT\r\n\r\n{sdp}");
    }

    private static byte[] Interleaved(int rtpBytes)
    {
        var frame = new byte[4 + rtpBytes];
        new Random(42).NextBytes(frame);
        frame[0] = (byte)'$';
        frame[1] = 0;
        frame[2] = (byte)(rtpBytes >> 8);
        frame[3] = (byte)rtpBytes;
        frame[4] = 0x80;
        return frame;
    }
}
