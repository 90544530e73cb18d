using System.Text;
using BenchmarkDotNet.Attributes;
using LiveMux.Media.Sdp;

namespace LiveMux.Benchmarks;

/// <summary>
/// <see cref="SessionDescription"/> of a camera's DESCRIBE body (H.264 + AAC), parsed once per session: it
/// builds the track model, so it allocates by design. The floor copies the bytes once.
/// </summary>
[MemoryDiagnoser]
public class SdpParseBenchmarks
{
    internal const string CameraSdp =
        "v=0\r\no=- 1700000000000000 1 IN IP4 192.168.1.20\r\ns=Session streamed by \"nessyMediaServer\"\r\n" +
        "i=stream1\r\nt=0 0\r\na=tool:LIVE555 Streaming Media v2020.08.19\r\na=type:broadcast\r\na=control:*\r\n" +
        "a=range:npt=0-\r\na=x-qt-text-nam:Session streamed by \"nessyMediaServer\"\r\n" +
        "m=video 0 RTP/AVP 96\r\nc=IN IP4 0.0.0.0\r\nb=AS:4096\r\na=rtpmap:96 H264/90000\r\n" +
        "a=fmtp:96 packetization-mode=1;profile-level-id=640028;sprop-parameter-sets=Z2QAKKzZQHgCJ+XARAAAAwAEAAADAPA8YMZY,aOvjyyLA\r\n" +
        "a=framerate:25\r\na=control:trackID=1\r\n" +
        "m=audio 0 RTP/AVP 97\r\nc=IN IP4 0.0.0.0\r\nb=AS:64\r\na=rtpmap:97 MPEG4-GENERIC/48000/1\r\n" +
        "a=fmtp:97 streamtype=5;profile-level-id=15;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config=1188\r\n" +
        "a=control:trackID=2\r\n";

    private static readonly byte[] Utf8 = Encoding.ASCII.GetBytes(CameraSdp);
    private readonly byte[] _scratch = new byte[Utf8.Length];

    [Benchmark(Baseline = true, Description = "floor: copy bytes")]
    public int Copy()
    {
        Utf8.CopyTo(_scratch, 0);
        return _scratch.Length;
    }

    [Benchmark(Description = "SessionDescription.TryParse, H.264 + AAC")]
    public int Parse() => SessionDescription.TryParse(Utf8, out var sdp, out var error)
        ? sdp.Tracks.Count
        : throw new InvalidOperationException(error);
}
