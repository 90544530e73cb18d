using System.Buffers;
using System.Text;
using LiveMux.Rtsp.Protocol;

namespace LiveMux.Rtsp.Tests.Protocol;

public sealed class RtspMessageReaderTests
{
    private static readonly RtspReaderLimits s_limits = new(MaxHeaderBytes: 1024, MaxBodyBytes: 4096, MaxInterleavedFrameBytes: 1500);

    private const string Describe =
        "RTSP/1.0 200 OK\r\n" +
        "CSeq: 3\r\n" +
        "Content-Base: rtsp://cam/stream/\r\n" +
        "Content-Type: application/sdp\r\n" +
        "Content-Length: 25\r\n" +
        "\r\n" +
        "v=0\r\nm=video 0 RTP/AVP 96";

    private const string ServerRequest = "GET_PARAMETER rtsp://client/ RTSP/1.0\r\nCSeq: 7\r\nSession: 1\r\n\r\n";

    // A stream as a camera sends it: response, interleaved RTP and RTCP, a server request, more RTP.
    private static byte[] Stream()
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.ASCII.GetBytes(Describe));
        bytes.AddRange([(byte)'$', 0, 0, 5, 0x80, 0x60, 0x00, 0x01, 0xAA]);
        bytes.AddRange([(byte)'$', 1, 0, 2, 0x81, 0xC8]);
        bytes.AddRange(Encoding.ASCII.GetBytes(ServerRequest));
        bytes.AddRange([(byte)'$', 2, 0, 0]);
        bytes.AddRange(Encoding.ASCII.GetBytes("RTSP/1.0 200 OK\nCSeq: 4\nSession: 12345678;timeout=60\n\n"));
        return [.. bytes];
    }

    private static readonly string[] s_expected =
    [
        "response 200 OK cseq=3 body=25",
        "interleaved ch=0 80-60-00-01-AA",
        "interleaved ch=1 81-C8",
        "request GET_PARAMETER rtsp://client/ cseq=7 body=0",
        "interleaved ch=2 ",
        "response 200 OK cseq=4 body=0",
    ];

    private static string Show(RtspFrame frame) => frame.Kind switch
    {
        RtspFrameKind.Response => $"response {frame.Response!.StatusCode} {frame.Response.Reason} cseq={frame.Response.CSeq} body={frame.Response.Body.Length}",
        RtspFrameKind.Request => $"request {frame.Request!.Method} {frame.Request.Uri} cseq={frame.Request.CSeq} body={frame.Request.Body.Length}",
        _ => $"interleaved ch={frame.Channel} {BitConverter.ToString(frame.Payload.ToArray())}",
    };

    private static List<string> ReadAll(ref ReadOnlySequence<byte> buffer)
    {
        var frames = new List<string>();
        while (RtspMessageReader.TryRead(ref buffer, s_limits, out var frame))
        {
            frames.Add(Show(frame));
        }
        return frames;
    }

    [Fact]
    public void Reads_a_mixed_stream()
    {
        var buffer = new ReadOnlySequence<byte>(Stream());
        Assert.Equal(s_expected, ReadAll(ref buffer));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Every_prefix_yields_only_complete_correct_frames_and_never_throws()
    {
        var bytes = Stream();
        for (var length = 0; length <= bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            var frames = ReadAll(ref buffer);
            Assert.Equal(s_expected.Take(frames.Count), frames);
            // What is left is exactly the unconsumed tail of the prefix.
            Assert.Equal(length - ConsumedBy(frames.Count, bytes), buffer.Length);
        }
    }

    [Fact]
    public void Byte_per_segment_sequence_gives_the_same_frames()
    {
        var buffer = Segmented(Stream());
        Assert.Equal(s_expected, ReadAll(ref buffer));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Interleaved_payload_is_a_view_of_the_buffer()
    {
        var bytes = Stream();
        var offset = Encoding.ASCII.GetByteCount(Describe);
        var buffer = new ReadOnlySequence<byte>(bytes).Slice(offset);
        Assert.True(RtspMessageReader.TryRead(ref buffer, s_limits, out var frame));
        Assert.Equal(RtspFrameKind.Interleaved, frame.Kind);
        Assert.Equal(offset + 4, frame.Payload.Start.GetInteger());
    }

    public static TheoryData<string, string, RtspErrorKind> BadInputs => new()
    {
        { "http response", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", RtspErrorKind.MalformedResponse },
        { "http prefix only", "HTTP/", RtspErrorKind.MalformedResponse },
        { "html", "<html>", RtspErrorKind.MalformedResponse },
        { "binary", "\u0001\u0002\u0003", RtspErrorKind.MalformedResponse },
        { "ssh banner", "SSH-2.0-OpenSSH_9.2\r\n", RtspErrorKind.MalformedResponse },
        { "bad status code", "RTSP/1.0 2x0 OK\r\n\r\n", RtspErrorKind.MalformedResponse },
        { "bad version", "RTSP/2.0 200 OK\r\n\r\n", RtspErrorKind.MalformedResponse },
        { "request without version", "OPTIONS rtsp://x/\r\n\r\n", RtspErrorKind.MalformedResponse },
        { "header without colon", "RTSP/1.0 200 OK\r\nCSeq 1\r\n\r\n", RtspErrorKind.MalformedResponse },
        { "continuation first", "RTSP/1.0 200 OK\r\n  folded\r\n\r\n", RtspErrorKind.MalformedResponse },
        { "negative length", "RTSP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n", RtspErrorKind.MalformedResponse },
        { "body too large", "RTSP/1.0 200 OK\r\nContent-Length: 4097\r\n\r\n", RtspErrorKind.LimitExceeded },
        { "huge length", "RTSP/1.0 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", RtspErrorKind.MalformedResponse },
        { "header too long, unterminated", "RTSP/1.0 200 OK\r\nX: " + new string('a', 1100), RtspErrorKind.LimitExceeded },
        { "too many headers", "RTSP/1.0 200 OK\r\n" + string.Concat(Enumerable.Repeat("X: y\r\n", 200)) + "\r\n", RtspErrorKind.LimitExceeded },
        { "interleaved too large", "$\u0000\u0006\u0000", RtspErrorKind.LimitExceeded },
        { "method too long", new string('A', 40), RtspErrorKind.MalformedResponse },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_fails_fast_with_a_typed_error(string name, string input, RtspErrorKind kind)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(input));
        var error = Assert.Throws<RtspException>(() => RtspMessageReader.TryRead(ref buffer, s_limits, out _));
        Assert.True(error.Kind == kind, $"{name}: {error.Kind} {error.Message}");
    }

    [Fact]
    public void Limits_are_inclusive()
    {
        var frame = new byte[4 + 1500];
        frame[0] = (byte)'$';
        frame[2] = 1500 >> 8;
        frame[3] = 1500 & 0xFF;
        var buffer = new ReadOnlySequence<byte>(frame);
        Assert.True(RtspMessageReader.TryRead(ref buffer, s_limits, out var f));
        Assert.Equal(1500, f.Payload.Length);

        var body = "RTSP/1.0 200 OK\r\nContent-Length: 4096\r\n\r\n" + new string('x', 4096);
        buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(body));
        Assert.True(RtspMessageReader.TryRead(ref buffer, s_limits, out f));
        Assert.Equal(4096, f.Response!.Body.Length);
    }

    [Fact]
    public void Headers_are_case_insensitive_and_folded_lines_joined()
    {
        var text = "RTSP/1.0 401 Unauthorized\r\ncseq: 9\r\nWWW-Authenticate: Digest realm=\"a\",\r\n nonce=\"b\"\r\nwww-authenticate: Basic realm=\"a\"\r\n\r\n";
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));
        Assert.True(RtspMessageReader.TryRead(ref buffer, s_limits, out var frame));
        Assert.Equal(9, frame.Response!.CSeq);
        Assert.Equal(["Digest realm=\"a\", nonce=\"b\"", "Basic realm=\"a\""], frame.Response.Headers.GetAll("WWW-Authenticate"));
    }

    private static long ConsumedBy(int frameCount, byte[] all)
    {
        var buffer = new ReadOnlySequence<byte>(all);
        for (var i = 0; i < frameCount; i++)
        {
            Assert.True(RtspMessageReader.TryRead(ref buffer, s_limits, out _));
        }
        return all.Length - buffer.Length;
    }

    internal static ReadOnlySequence<byte> Segmented(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }
        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
