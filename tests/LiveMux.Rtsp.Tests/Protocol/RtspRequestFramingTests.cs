using System.Buffers;
using System.Text;
using LiveMux.Rtsp.Protocol;

namespace LiveMux.Rtsp.Tests.Protocol;

/// <summary>The shared reader framing what a client sends a server: requests, with RTCP interleaved between them.</summary>
public sealed class RtspRequestFramingTests
{
    private static readonly RtspReaderLimits s_limits = new(MaxHeaderBytes: 1024, MaxBodyBytes: 1024, MaxInterleavedFrameBytes: 1500,
        MaxRequestBodyBytes: 1024, MaxHeaderCount: 8);

    private const string Setup = "SETUP rtsp://127.0.0.1:8554/live/trackID=0 RTSP/1.0\r\nCSeq: 3\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n";
    private const string GetParameter = "GET_PARAMETER rtsp://127.0.0.1:8554/live/ RTSP/1.0\r\nCSeq: 5\r\nSession: ab12\r\nContent-Length: 8\r\n\r\nposition";
    private const string Play = "PLAY rtsp://127.0.0.1:8554/live/ RTSP/1.0\nCSeq: 4\nSession: ab12\n\n"; // bare LF, as some clients send

    private static byte[] ClientStream() =>
    [
        .. Encoding.ASCII.GetBytes(Setup),
        .. Encoding.ASCII.GetBytes(Play),
        (byte)'$', 1, 0, 8, 0x80, 201, 0, 1, 0, 0, 0, 1, // an RTCP receiver report on the RTCP channel
        .. Encoding.ASCII.GetBytes(GetParameter),
    ];

    private static readonly string[] s_expected =
    [
        "SETUP rtsp://127.0.0.1:8554/live/trackID=0 cseq=3 transport=RTP/AVP/TCP;unicast;interleaved=0-1 body=",
        "PLAY rtsp://127.0.0.1:8554/live/ cseq=4 transport= body=",
        "interleaved 1 8",
        "GET_PARAMETER rtsp://127.0.0.1:8554/live/ cseq=5 transport= body=position",
    ];

    private static List<string> ReadAll(ref ReadOnlySequence<byte> buffer)
    {
        var frames = new List<string>();
        while (RtspMessageReader.TryRead(ref buffer, s_limits, out var frame))
        {
            frames.Add(frame.Kind == RtspFrameKind.Request
                ? $"{frame.Request!.Method} {frame.Request.Uri} cseq={frame.Request.CSeq} transport={frame.Request.Headers["Transport"]} body={Encoding.ASCII.GetString(frame.Request.Body)}"
                : $"interleaved {frame.Channel} {frame.Payload.Length}");
        }
        return frames;
    }

    [Fact]
    public void Every_prefix_frames_only_whole_requests_and_leaves_the_rest()
    {
        var bytes = ClientStream();
        var ends = new List<long>();
        var whole = new ReadOnlySequence<byte>(bytes);
        while (RtspMessageReader.TryRead(ref whole, s_limits, out _))
        {
            ends.Add(bytes.Length - whole.Length);
        }
        for (var length = 0; length <= bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            var frames = ReadAll(ref buffer);
            Assert.Equal(s_expected.Take(frames.Count), frames);
            Assert.Equal(ends.Count(e => e <= length), frames.Count);
            Assert.Equal(length - (frames.Count == 0 ? 0 : ends[frames.Count - 1]), buffer.Length);
        }
    }

    [Fact]
    public void Byte_per_segment_gives_the_same_requests()
    {
        var buffer = RtspMessageReaderTests.Segmented(ClientStream());
        Assert.Equal(s_expected, ReadAll(ref buffer));
        Assert.True(buffer.IsEmpty);
    }

    // Request -> the limit it breaks, at the first byte that breaks it (every prefix before is merely incomplete).
    [Theory]
    [InlineData("more header lines than MaxHeaderCount", 9, 0)]
    [InlineData("headers over MaxHeaderBytes", 1, 1100)]
    public void A_request_over_a_limit_fails_as_LimitExceeded(string name, int headers, int padding)
    {
        var request = new StringBuilder("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n");
        for (var i = 1; i < headers; i++)
        {
            request.Append("X-H").Append(i).Append(": v\r\n");
        }
        request.Append("X-Pad: ").Append(new string('a', padding)).Append("\r\n\r\n");
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(request.ToString()));
        var error = Assert.Throws<RtspException>(() => RtspMessageReader.TryRead(ref buffer, s_limits, out _));
        Assert.True(error.Kind == RtspErrorKind.LimitExceeded, name);
    }

    [Fact]
    public void A_request_at_the_header_count_limit_is_read()
    {
        var text = "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n" + string.Concat(Enumerable.Range(1, 7).Select(i => $"X-H{i}: v\r\n")) + "\r\n";
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));
        Assert.True(RtspMessageReader.TryRead(ref buffer, s_limits, out var frame));
        Assert.Equal(8, frame.Request!.Headers.Count);
    }
}
