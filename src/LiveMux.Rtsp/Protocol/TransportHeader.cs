using System.Globalization;

namespace LiveMux.Rtsp.Protocol;

/// <summary>
/// The parts of a SETUP reply's Transport header (RFC 2326 section 12.39) that TCP interleaving and UDP unicast need.
/// <code>
///   Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=1A2B3C4D;mode="PLAY"
///   Transport: RTP/AVP;unicast;client_port=50000-50001;server_port=6970-6971;source=192.0.2.10;ssrc=1A2B3C4D
/// </code>
/// </summary>
internal readonly record struct TransportHeader(bool IsTcp, int? RtpChannel, int? RtcpChannel)
{
    public int? ServerRtpPort { get; init; }
    public int? ServerRtcpPort { get; init; }
    public int? ClientRtpPort { get; init; }

    /// <summary>The address the server says it sends from (source=), if any.</summary>
    public string? Source { get; init; }

    public static string Request(int rtpChannel) => $"RTP/AVP/TCP;unicast;interleaved={rtpChannel}-{rtpChannel + 1}";

    public static string RequestUdp(int clientRtpPort) =>
        $"RTP/AVP;unicast;client_port={clientRtpPort.ToString(CultureInfo.InvariantCulture)}-{(clientRtpPort + 1).ToString(CultureInfo.InvariantCulture)}";

    public static TransportHeader Parse(string value)
    {
        // A server may list several transports separated by ','; the first is the one it chose.
        var first = value.Split(',')[0];
        var parts = first.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var isTcp = parts.Length > 0 && parts[0].EndsWith("/TCP", StringComparison.OrdinalIgnoreCase);
        int? rtp = null, rtcp = null, serverRtp = null, serverRtcp = null, clientRtp = null;
        string? source = null;
        foreach (var part in parts)
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            var name = part[..eq].Trim();
            var text = part[(eq + 1)..].Trim().Trim('"');
            if (name.Equals("interleaved", StringComparison.OrdinalIgnoreCase))
            {
                if (TryRange(text, 255, out var a, out var b))
                {
                    (rtp, rtcp) = (a, b);
                }
            }
            else if (name.Equals("server_port", StringComparison.OrdinalIgnoreCase))
            {
                if (TryRange(text, 65535, out var a, out var b))
                {
                    (serverRtp, serverRtcp) = (a, b);
                }
            }
            else if (name.Equals("client_port", StringComparison.OrdinalIgnoreCase))
            {
                if (TryRange(text, 65535, out var a, out _))
                {
                    clientRtp = a;
                }
            }
            else if (name.Equals("source", StringComparison.OrdinalIgnoreCase))
            {
                source = text;
            }
        }
        return new TransportHeader(isTcp || rtp is not null, rtp, rtcp)
        {
            ServerRtpPort = serverRtp,
            ServerRtcpPort = serverRtcp,
            ClientRtpPort = clientRtp,
            Source = source,
        };
    }

    // "a-b" or "a" (then b = a + 1).
    private static bool TryRange(string text, int max, out int a, out int b)
    {
        var range = text.Split('-');
        b = 0;
        if (!int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out a) || a > max)
        {
            return false;
        }
        b = range.Length > 1 && int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out var second) && second <= max
            ? second
            : a + 1;
        return true;
    }
}
