using System.Text;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>Builds one RTSP/1.0 response (RFC 2326 section 7): status line, CSeq, headers, optional body.</summary>
internal sealed class DemoRtspResponse
{
    private readonly StringBuilder _head = new();
    private string _body = "";

    public DemoRtspResponse(int status, string? cseq)
    {
        Status = status;
        _head.Append("RTSP/1.0 ").Append(status).Append(' ').Append(Reason(status)).Append("\r\n");
        if (cseq is not null)
        {
            Header("CSeq", cseq);
        }

        Header("Server", "LiveMux demo");
    }

    public int Status { get; }

    public DemoRtspResponse Header(string name, string value)
    {
        _head.Append(name).Append(": ").Append(value).Append("\r\n");
        return this;
    }

    public DemoRtspResponse Body(string contentType, string body)
    {
        _body = body;
        return Header("Content-Type", contentType);
    }

    public byte[] ToBytes()
    {
        if (_body.Length > 0)
        {
            Header("Content-Length", Encoding.UTF8.GetByteCount(_body).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return Encoding.UTF8.GetBytes(_head.Append("\r\n").Append(_body).ToString());
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        413 => "Request Entity Too Large",
        454 => "Session Not Found",
        455 => "Method Not Valid in This State",
        459 => "Aggregate Operation Not Allowed",
        461 => "Unsupported Transport",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Error",
    };
}
