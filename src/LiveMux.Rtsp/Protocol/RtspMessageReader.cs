using System.Buffers;
using System.Globalization;
using System.Text;

namespace LiveMux.Rtsp.Protocol;

/// <summary>
/// Framing of an RTSP/1.0 TCP connection (RFC 2326 sections 6, 7 and 10.12): messages and interleaved
/// binary frames share one byte stream.
/// <code>
///   interleaved:  '$' | channel (1) | length (2, big-endian) | data (length)
///   response:     RTSP/1.0 SP 200 SP OK CRLF
///   request:      GET_PARAMETER SP rtsp://... SP RTSP/1.0 CRLF
///                 (Name: value CRLF)*           continuation lines start with SP/HT
///                 CRLF
///                 body (Content-Length bytes)
/// </code>
/// A pure framing function: it consumes one frame from the front of the buffer or returns false when more
/// bytes are needed. It throws <see cref="RtspException"/> (MalformedResponse or LimitExceeded) as soon as
/// the buffered bytes cannot become a valid frame, so a non-RTSP peer fails fast instead of hanging.
/// Bare LF line endings are accepted (seen on embedded servers).
/// </summary>
internal static class RtspMessageReader
{
    private const int MaxMethodLength = 32;

    public static bool TryRead(ref ReadOnlySequence<byte> buffer, RtspReaderLimits limits, out RtspFrame frame)
    {
        frame = default;
        if (buffer.IsEmpty)
        {
            return false;
        }
        return buffer.FirstSpan[0] == (byte)'$'
            ? TryReadInterleaved(ref buffer, limits, out frame)
            : TryReadMessage(ref buffer, limits, out frame);
    }

    private static bool TryReadInterleaved(ref ReadOnlySequence<byte> buffer, RtspReaderLimits limits, out RtspFrame frame)
    {
        frame = default;
        if (buffer.Length < 4)
        {
            return false;
        }
        Span<byte> header = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(header);
        var length = (header[2] << 8) | header[3];
        if (length > limits.MaxInterleavedFrameBytes)
        {
            throw new RtspException(RtspErrorKind.LimitExceeded,
                $"interleaved frame of {length} bytes on channel {header[1]} exceeds the limit of {limits.MaxInterleavedFrameBytes} bytes");
        }
        if (buffer.Length < 4 + length)
        {
            return false;
        }
        frame = RtspFrame.ForInterleaved(header[1], buffer.Slice(4, length));
        buffer = buffer.Slice(4 + length);
        return true;
    }

    private static bool TryReadMessage(ref ReadOnlySequence<byte> buffer, RtspReaderLimits limits, out RtspFrame frame)
    {
        frame = default;
        CheckStartLinePrefix(buffer);
        var reader = new SequenceReader<byte>(buffer);
        string? startLine = null;
        var headers = new RtspHeaders();
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> lineBytes, (byte)'\n'))
            {
                if (buffer.Length > limits.MaxHeaderBytes)
                {
                    throw LimitExceeded(limits);
                }
                return false;
            }
            if (reader.Consumed > limits.MaxHeaderBytes)
            {
                throw LimitExceeded(limits);
            }
            var line = Decode(lineBytes);
            if (startLine is null)
            {
                // Validate now, so e.g. "HTTP/1.1 200 OK" followed by a slow header stream fails at once.
                _ = ParseStartLine(line, headers, [], 0);
                startLine = line;
                continue;
            }
            if (line.Length == 0)
            {
                break;
            }
            AddHeaderLine(headers, line);
            if (headers.Count > limits.MaxHeaderCount)
            {
                throw new RtspException(RtspErrorKind.LimitExceeded,
                    $"RTSP message has more than {limits.MaxHeaderCount} header lines");
            }
        }

        var contentLength = ParseContentLength(headers, limits);
        if (reader.Remaining < contentLength)
        {
            return false;
        }
        // A server request's body is never used: past a few KB it is skipped rather than copied, so a camera
        // cannot make the client keep large bodies (its count is bounded by the caller, see ServerRequestInbox).
        var isRequest = !startLine.StartsWith("RTSP/", StringComparison.Ordinal);
        var keep = isRequest && contentLength > limits.MaxRequestBodyBytes ? 0 : contentLength;
        var body = keep == 0 ? [] : reader.UnreadSequence.Slice(0, keep).ToArray();
        frame = ParseStartLine(startLine, headers, body, contentLength).WithWireLength(reader.Consumed + contentLength);
        buffer = buffer.Slice(reader.Position).Slice(contentLength);
        return true;
    }

    /// <summary>Rejects a peer that is not speaking RTSP from the first bytes of its first line.</summary>
    private static void CheckStartLinePrefix(ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[MaxMethodLength + 1];
        var count = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, count).CopyTo(head);
        head = head[..count];
        var version = "RTSP/"u8;
        if (version.StartsWith(head) || head.StartsWith(version))
        {
            return;
        }
        for (var i = 0; i < head.Length; i++)
        {
            if (head[i] == (byte)' ' && i > 0)
            {
                return;
            }
            if (!IsTokenByte(head[i]))
            {
                throw new RtspException(RtspErrorKind.MalformedResponse,
                    $"the server is not speaking RTSP (it sent \"{Printable(buffer)}\")");
            }
        }
        if (head.Length > MaxMethodLength)
        {
            throw new RtspException(RtspErrorKind.MalformedResponse,
                $"the server is not speaking RTSP (it sent \"{Printable(buffer)}\")");
        }
    }

    private static RtspFrame ParseStartLine(string line, RtspHeaders headers, byte[] body, int bodyLength)
    {
        if (line.StartsWith("RTSP/", StringComparison.Ordinal))
        {
            // RTSP/1.0 SP 3DIGIT SP reason (the reason may be empty or missing on sloppy servers)
            var parts = line.Split(' ', 3);
            if (parts.Length < 2 || !parts[0].StartsWith("RTSP/1.", StringComparison.Ordinal) || parts[1].Length != 3
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status < 100)
            {
                throw new RtspException(RtspErrorKind.MalformedResponse, $"malformed RTSP status line \"{Printable(line)}\"");
            }
            return RtspFrame.ForResponse(new RtspResponse
            {
                StatusCode = status,
                Reason = parts.Length == 3 ? parts[2].Trim() : "",
                Headers = headers,
                Body = body,
            });
        }
        var fields = line.Split(' ');
        if (fields.Length != 3 || fields[1].Length == 0 || !fields[2].StartsWith("RTSP/1.", StringComparison.Ordinal))
        {
            throw new RtspException(RtspErrorKind.MalformedResponse, $"malformed RTSP request line \"{Printable(line)}\"");
        }
        return RtspFrame.ForRequest(new RtspServerRequest
        {
            Method = fields[0], Uri = fields[1], Headers = headers, Body = body, BodyLength = bodyLength,
        });
    }

    private static void AddHeaderLine(RtspHeaders headers, string line)
    {
        if (line[0] is ' ' or '\t')
        {
            if (headers.Count == 0)
            {
                throw new RtspException(RtspErrorKind.MalformedResponse, "RTSP header continuation line without a header");
            }
            headers.AppendToLast(line.Trim());
            return;
        }
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !line.AsSpan(0, colon).TrimEnd(' ').ToString().All(c => c < 128 && IsTokenByte((byte)c)))
        {
            throw new RtspException(RtspErrorKind.MalformedResponse, $"malformed RTSP header line \"{Printable(line)}\"");
        }
        headers.Add(line[..colon].TrimEnd(' '), line[(colon + 1)..].Trim());
    }

    private static int ParseContentLength(RtspHeaders headers, RtspReaderLimits limits)
    {
        var text = headers["Content-Length"];
        if (text is null)
        {
            return 0;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new RtspException(RtspErrorKind.MalformedResponse, $"malformed Content-Length \"{Printable(text)}\"");
        }
        if (length > limits.MaxBodyBytes)
        {
            throw new RtspException(RtspErrorKind.LimitExceeded,
                $"RTSP body of {length} bytes exceeds the limit of {limits.MaxBodyBytes} bytes");
        }
        return (int)length;
    }

    private static string Decode(ReadOnlySequence<byte> line)
    {
        if (!line.IsEmpty && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            line = line.Slice(0, line.Length - 1);
        }
        return Encoding.UTF8.GetString(line);
    }

    // RFC 2616 token: any CHAR except CTLs and separators.
    private static bool IsTokenByte(byte b) =>
        b is > 32 and < 127 && "()<>@,;:\\\"/[]?={}"u8.IndexOf(b) < 0;

    private static RtspException LimitExceeded(RtspReaderLimits limits) =>
        new(RtspErrorKind.LimitExceeded, $"RTSP message headers exceed the limit of {limits.MaxHeaderBytes} bytes");

    private static string Printable(ReadOnlySequence<byte> bytes) =>
        Printable(Encoding.ASCII.GetString(bytes.Slice(0, Math.Min(bytes.Length, 40))));

    internal static string Printable(string text)
    {
        var chars = text.Length > 40 ? text[..40].ToCharArray() : text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is < ' ' or > '~')
            {
                chars[i] = '.';
            }
        }
        return new string(chars) + (text.Length > 40 ? "..." : "");
    }
}
