using System.Text;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// One RTSP/1.0 request (RFC 2326 section 6), framed out of a receive buffer.
/// </summary>
/// <remarks>
/// <code>
///   METHOD SP Request-URI SP RTSP/1.0 CRLF
///   Header: value CRLF          (CSeq is mandatory)
///   ...
///   CRLF
///   [body of Content-Length bytes]
/// </code>
/// </remarks>
internal sealed class DemoRtspRequest
{
    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    private DemoRtspRequest(string method, string uri, string cseq, Dictionary<string, string> headers)
    {
        Method = method;
        Uri = uri;
        CSeq = cseq;
        Headers = headers;
    }

    public string Method { get; }
    public string Uri { get; }
    public string CSeq { get; }
    public IReadOnlyDictionary<string, string> Headers { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out string? v) ? v : null;

    /// <summary>
    /// Frames one request from the start of <paramref name="buffer"/>. <paramref name="consumed"/> counts
    /// header and body bytes on <see cref="DemoRequestParse.Complete"/>.
    /// </summary>
    public static DemoRequestParse TryParse(ReadOnlySpan<byte> buffer, int maxBytes, out DemoRtspRequest? request, out int consumed)
    {
        request = null;
        consumed = 0;
        int end = buffer.IndexOf(HeaderEnd);
        if (end < 0)
        {
            return buffer.Length >= maxBytes ? DemoRequestParse.TooLarge : DemoRequestParse.Incomplete;
        }

        int headerBytes = end + HeaderEnd.Length;
        if (headerBytes > maxBytes)
        {
            return DemoRequestParse.TooLarge;
        }

        string text = Encoding.Latin1.GetString(buffer[..end]);
        string[] lines = text.Split("\r\n");
        string[] requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[2] != "RTSP/1.0" || requestLine[0].Length == 0 || requestLine[1].Length == 0)
        {
            return DemoRequestParse.Malformed;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 1; i < lines.Length; i++)
        {
            int colon = lines[i].IndexOf(':');
            if (colon <= 0)
            {
                return DemoRequestParse.Malformed;
            }

            headers[lines[i][..colon].Trim()] = lines[i][(colon + 1)..].Trim();
        }

        if (!headers.TryGetValue("CSeq", out string? cseq) || cseq.Length == 0 || !cseq.All(char.IsAsciiDigit))
        {
            return DemoRequestParse.Malformed;
        }

        int bodyBytes = 0;
        if (headers.TryGetValue("Content-Length", out string? lengthText)
            && (!int.TryParse(lengthText, out bodyBytes) || bodyBytes < 0))
        {
            return DemoRequestParse.Malformed;
        }

        if ((long)headerBytes + bodyBytes > maxBytes)
        {
            return DemoRequestParse.TooLarge;
        }

        if (buffer.Length < headerBytes + bodyBytes)
        {
            return DemoRequestParse.Incomplete;
        }

        consumed = headerBytes + bodyBytes;
        request = new DemoRtspRequest(requestLine[0], requestLine[1], cseq, headers);
        return DemoRequestParse.Complete;
    }
}

internal enum DemoRequestParse
{
    Incomplete,
    Complete,
    TooLarge,
    Malformed,
}
