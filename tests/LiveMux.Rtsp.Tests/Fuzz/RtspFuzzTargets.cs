using System.Buffers;
using System.Text;
using LiveMux.Rtsp.Auth;
using LiveMux.Rtsp.Protocol;

namespace LiveMux.Rtsp.Tests.Fuzz;

/// <summary>
/// What the RTSP framing and header parsers must keep for any bytes a camera sends: the reader throws only
/// <see cref="RtspException"/> (MalformedResponse or LimitExceeded), always makes progress, never holds more than
/// its limits allow, and reads the same frames however the bytes are split across socket reads; the header
/// parsers never throw and stay in range.
/// </summary>
internal static class RtspFuzzTargets
{
    public static readonly RtspReaderLimits Limits = new(MaxHeaderBytes: 1024, MaxBodyBytes: 2048, MaxInterleavedFrameBytes: 1500);

    /// <summary>The frames of a stream, each as text, and how the stream ended ("more" or the exception's kind).</summary>
    internal sealed record Outcome(List<string> Frames, string End);

    /// <summary>Feeds <paramref name="input"/> in reads of <paramref name="chunk"/> bytes, the way the connection's pipe loop does.</summary>
    public static Outcome Read(byte[] input, int chunk)
    {
        var frames = new List<string>();
        var consumed = 0;
        var available = 0;
        while (true)
        {
            available = Math.Min(input.Length, available + Math.Max(1, chunk));
            var buffer = Segments(input.AsMemory(consumed, available - consumed), chunk);
            try
            {
                while (true)
                {
                    var before = buffer.Length;
                    if (!RtspMessageReader.TryRead(ref buffer, Limits, out var frame))
                    {
                        break;
                    }

                    Assert.True(buffer.Length < before, "a frame was read without consuming a byte");
                    frames.Add(Describe(frame));
                }
            }
            catch (RtspException e)
            {
                Assert.True(e.Kind is RtspErrorKind.MalformedResponse or RtspErrorKind.LimitExceeded, $"{e.Kind}: {e.Message}");
                Assert.DoesNotContain('\n', e.Message);
                return new Outcome(frames, e.Kind.ToString());
            }

            consumed = available - (int)buffer.Length;

            // What waits for more bytes is one unfinished frame, which the limits bound.
            var bound = Math.Max(Limits.MaxHeaderBytes + 1 + Limits.MaxBodyBytes, 4 + Limits.MaxInterleavedFrameBytes);
            Assert.True(buffer.Length <= bound, $"{buffer.Length} bytes buffered without a frame or an error");
            if (available == input.Length)
            {
                return new Outcome(frames, "more");
            }
        }
    }

    public static string Message(byte[] input, int chunk)
    {
        var whole = Read(input, int.MaxValue);
        var split = Read(input, chunk);
        Assert.Equal(whole.Frames, split.Frames);
        Assert.Equal(whole.End, split.End);
        return whole.End == "more" ? whole.Frames.Count > 0 ? "frames" : "incomplete" : whole.End;
    }

    public static string Transport(string value)
    {
        var t = TransportHeader.Parse(value);
        if (t.RtpChannel is { } rtp)
        {
            Assert.InRange(rtp, 0, 255);
            Assert.True(t.IsTcp);
        }

        // "interleaved=255" alone means 255-256: the RTCP channel is one past the byte range, and only logged.
        Assert.True(t.RtcpChannel is null or (>= 0 and <= 256), $"rtcp {t.RtcpChannel}");
        Assert.True(t.ServerRtpPort is null or (>= 0 and <= 65535));
        Assert.True(t.ServerRtcpPort is null or (>= 0 and <= 65536));
        Assert.True(t.ClientRtpPort is null or (>= 0 and <= 65535));
        Assert.True(t.Source is null || value.Contains(t.Source, StringComparison.Ordinal));
        return t.RtpChannel is not null ? "interleaved" : t.ServerRtpPort is not null || t.ClientRtpPort is not null ? "ports" : "nothing";
    }

    public static string Authenticate(string value)
    {
        var challenges = AuthChallenge.ParseAll([value]);
        Assert.InRange(challenges.Count, 0, value.Length);
        foreach (var c in challenges)
        {
            Assert.NotEmpty(c.Scheme);
            Assert.True(c.Scheme.AsSpan().IndexOfAny(" \t,=\"") < 0, c.Scheme);
            Assert.All(c.Parameters, p => Assert.True(p.Key.Length + p.Value.Length <= value.Length));
        }

        // The challenges go on to the authenticator, which must choose one or say why not, and answer it.
        var authenticator = RtspAuthenticator.TryCreate("user", "pass", challenges, out var reason, () => "0a4f113b");
        Assert.Equal(authenticator is null, reason is not null);
        if (authenticator is not null)
        {
            // A challenge's values are echoed into our Authorization header: a line break in one must be refused
            // by the writer, never sent; anything else must come back from our own reader unchanged.
            var header = authenticator.CreateHeader("DESCRIBE", "rtsp://cam/stream");
            byte[] request;
            try
            {
                request = RtspRequestWriter.Write("DESCRIBE", "rtsp://cam/stream", 2, [new("Authorization", header)]);
            }
            catch (RtspException e) when (header.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                Assert.Equal(RtspErrorKind.MalformedResponse, e.Kind);
                return "refused-line-break";
            }

            var buffer = new ReadOnlySequence<byte>(request);
            Assert.True(RtspMessageReader.TryRead(ref buffer, new RtspReaderLimits(64 * 1024, 0, 0), out var frame));
            Assert.Equal(header.Trim(), frame.Request!.Headers["Authorization"]);
            Assert.True(buffer.IsEmpty);
            return authenticator.Scheme.ToLowerInvariant();
        }

        return "none";
    }

    /// <summary>The header parsers the client runs on a response, over what the reader made of fuzzed bytes.</summary>
    private static string Describe(RtspFrame frame)
    {
        switch (frame.Kind)
        {
            case RtspFrameKind.Interleaved:
                Assert.InRange(frame.Payload.Length, 0, Limits.MaxInterleavedFrameBytes);
                return $"${frame.Channel} {Convert.ToHexString(frame.Payload.ToArray())}";
            case RtspFrameKind.Response:
                var r = frame.Response!;
                Assert.InRange(r.Body.Length, 0, Limits.MaxBodyBytes);
                Assert.InRange(r.StatusCode, 100, 999);
                if (r.Headers["Transport"] is { } transport)
                {
                    Transport(transport);
                }

                Authenticate(string.Join(", ", r.Headers.GetAll("WWW-Authenticate")));
                _ = SessionHeader.TryParse(r.Headers["Session"], out var session);
                Assert.True(session.Timeout >= TimeSpan.Zero);
                return $"{r.StatusCode} {r.Reason} cseq={r.CSeq} {Headers(r.Headers)} {Convert.ToHexString(r.Body)}";
            default:
                var q = frame.Request!;
                Assert.InRange(q.Body.Length, 0, Limits.MaxBodyBytes);
                Assert.NotEmpty(q.Method);
                return $"{q.Method} {q.Uri} cseq={q.CSeq} {Headers(q.Headers)} {Convert.ToHexString(q.Body)}";
        }
    }

    private static string Headers(RtspHeaders headers) =>
        string.Join("|", new[] { "CSeq", "Content-Length", "Session", "Transport", "WWW-Authenticate", "Content-Base" }
            .Select(n => $"{n}={string.Join(",", headers.GetAll(n))}"));

    internal static ReadOnlySequence<byte> Segments(ReadOnlyMemory<byte> data, int segment)
    {
        if (segment >= data.Length)
        {
            return new ReadOnlySequence<byte>(data);
        }

        Segment? first = null, last = null;
        for (var i = 0; i < data.Length; i += segment)
        {
            var chunk = data.Slice(i, Math.Min(segment, data.Length - i));
            last = first is null ? first = new Segment(chunk, 0) : last!.Append(chunk);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    internal static string Text(byte[] input) => Encoding.UTF8.GetString(input);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
