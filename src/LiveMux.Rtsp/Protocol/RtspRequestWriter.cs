using System.Text;

namespace LiveMux.Rtsp.Protocol;

/// <summary>
/// Serializes a client request (RFC 2326 section 6).
/// <code>
///   DESCRIBE rtsp://host:554/path RTSP/1.0 CRLF
///   CSeq: 2 CRLF
///   User-Agent: LiveMux CRLF
///   (Name: value CRLF)*
///   CRLF
/// </code>
/// </summary>
internal static class RtspRequestWriter
{
    public static byte[] Write(string method, string uri, int cseq, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var text = new StringBuilder(256);
        text.Append(method).Append(' ').Append(uri).Append(" RTSP/1.0\r\n");
        text.Append("CSeq: ").Append(cseq).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            // A CR or LF in a value (e.g. from a camera-supplied URL) would let the peer inject headers.
            if (value.AsSpan().IndexOfAny('\r', '\n') >= 0 || uri.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new RtspException(RtspErrorKind.MalformedResponse, $"refusing to send a {name} header containing a line break");
            }
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        text.Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
