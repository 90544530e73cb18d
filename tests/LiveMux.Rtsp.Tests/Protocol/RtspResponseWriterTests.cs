using System.Buffers;
using System.Text;
using LiveMux.Rtsp.Protocol;

namespace LiveMux.Rtsp.Tests.Protocol;

public sealed class RtspResponseWriterTests
{
    [Theory]
    [InlineData(200, 7, null, "RTSP/1.0 200 OK\r\nCSeq: 7\r\nServer: LiveMux\r\nPublic: OPTIONS\r\n\r\n")]
    [InlineData(454, 2, null, "RTSP/1.0 454 Session Not Found\r\nCSeq: 2\r\nServer: LiveMux\r\nPublic: OPTIONS\r\n\r\n")]
    [InlineData(400, null, null, "RTSP/1.0 400 Bad Request\r\nServer: LiveMux\r\nPublic: OPTIONS\r\n\r\n")]
    [InlineData(200, 3, "v=0\r\n", "RTSP/1.0 200 OK\r\nCSeq: 3\r\nServer: LiveMux\r\nPublic: OPTIONS\r\nContent-Length: 5\r\n\r\nv=0\r\n")]
    public void Writes_status_cseq_headers_and_body(int status, int? cseq, string? body, string expected)
        => Assert.Equal(expected, Encoding.UTF8.GetString(RtspResponseWriter.Write(status, cseq, [new("Public", "OPTIONS")], body)));

    [Fact]
    public void What_it_writes_the_shared_reader_reads_back()
    {
        var bytes = RtspResponseWriter.Write(461, 9, [new("Session", "ab;timeout=60")], "é");
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(RtspMessageReader.TryRead(ref buffer, new RtspReaderLimits(1024, 1024, 1024), out var frame));
        Assert.True(buffer.IsEmpty);
        Assert.Equal(461, frame.Response!.StatusCode);
        Assert.Equal("Unsupported Transport", frame.Response.Reason);
        Assert.Equal(9, frame.Response.CSeq);
        Assert.Equal("ab;timeout=60", frame.Response.Headers["Session"]);
        Assert.Equal("é", Encoding.UTF8.GetString(frame.Response.Body));
    }

    [Fact]
    public void Refuses_a_header_value_with_a_line_break()
        => Assert.Throws<ArgumentException>(() => RtspResponseWriter.Write(200, 1, [new("RTP-Info", "url=x\r\nX-Evil: 1")]));
}
