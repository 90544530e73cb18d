using System.Globalization;
using System.Text;

namespace LiveMux.Rtsp.Protocol;

/// <summary>
/// Serializes a server response (RFC 2326 section 7). The CSeq of the request is echoed (section 12.17); a
/// request whose CSeq could not be read gets a response without one.
/// <code>
///   RTSP/1.0 SP 200 SP OK CRLF
///   CSeq: 2 CRLF
///   Server: LiveMux CRLF
///   (Name: value CRLF)*
///   Content-Length: n CRLF        only with a body
///   CRLF
///   body
/// </code>
/// </summary>
internal static class RtspResponseWriter
{
    /// <param name="phrase">A reason phrase in place of the standard one (RFC 2326 section 7.1.1 leaves it to the
    /// server): clients print it, so a refusal can say why. Made printable ASCII and cut to 120 characters.</param>
    public static byte[] Write(int status, int? cseq, IEnumerable<KeyValuePair<string, string>> headers, string? body = null, string? phrase = null)
    {
        var text = new StringBuilder(256);
        text.Append("RTSP/1.0 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(string.IsNullOrWhiteSpace(phrase) ? RtspStatus.Reason(status) : Printable(phrase)).Append("\r\n");
        if (cseq is { } value)
        {
            text.Append("CSeq: ").Append(value.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }
        text.Append("Server: LiveMux\r\n");
        foreach (var (name, headerValue) in headers)
        {
            // Values may echo request URLs; a line break would let a client inject headers into its own answer.
            if (headerValue.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new ArgumentException($"the {name} header contains a line break", nameof(headers));
            }
            text.Append(name).Append(": ").Append(headerValue).Append("\r\n");
        }
        var bodyBytes = body is null ? 0 : Encoding.UTF8.GetByteCount(body);
        if (bodyBytes > 0)
        {
            text.Append("Content-Length: ").Append(bodyBytes.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }
        text.Append("\r\n").Append(body);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Printable(string phrase)
    {
        var length = Math.Min(phrase.Length, 120);
        return string.Create(length, phrase, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = source[i] is >= ' ' and <= '~' ? source[i] : '?';
            }
        });
    }
}

/// <summary>Status codes the server answers with, and their reason phrases (RFC 2326 section 7.1.1).</summary>
internal static class RtspStatus
{
    public const int Ok = 200;
    public const int BadRequest = 400;
    public const int Unauthorized = 401;
    public const int Forbidden = 403;
    public const int NotFound = 404;
    public const int RequestEntityTooLarge = 413;
    public const int UnsupportedMediaType = 415;
    public const int SessionNotFound = 454;
    public const int MethodNotValidInThisState = 455;
    public const int AggregateOperationNotAllowed = 459;
    public const int OnlyAggregateOperationAllowed = 460;
    public const int UnsupportedTransport = 461;
    public const int InternalServerError = 500;
    public const int NotImplemented = 501;
    public const int ServiceUnavailable = 503;
    public const int VersionNotSupported = 505;

    public static string Reason(int status) => status switch
    {
        Ok => "OK",
        BadRequest => "Bad Request",
        Unauthorized => "Unauthorized",
        Forbidden => "Forbidden",
        NotFound => "Not Found",
        RequestEntityTooLarge => "Request Entity Too Large",
        UnsupportedMediaType => "Unsupported Media Type",
        SessionNotFound => "Session Not Found",
        MethodNotValidInThisState => "Method Not Valid in This State",
        AggregateOperationNotAllowed => "Aggregate Operation Not Allowed",
        OnlyAggregateOperationAllowed => "Only Aggregate Operation Allowed",
        UnsupportedTransport => "Unsupported Transport",
        InternalServerError => "Internal Server Error",
        NotImplemented => "Not Implemented",
        ServiceUnavailable => "Service Unavailable",
        VersionNotSupported => "RTSP Version Not Supported",
        _ => "Error",
    };
}
