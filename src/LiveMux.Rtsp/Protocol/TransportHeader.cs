using System.Globalization;

namespace LiveMux.Rtsp.Protocol;

/// <summary>
/// The parts of a SETUP reply's Transport header (RFC 2326 section 12.39) that TCP interleaving and UDP unicast need.
/// <code>
///   Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=1A2B3C4D;mode="PLAY"
///   Transport: RTP/AVP;unicast;client_port=50000-50001;server_port=6970-6971;source=192.0.2.10;ssrc=1A2B3C4D
/// </code>
/// A SETUP request lists alternatives in order of preference (<see cref="ParseAlternatives"/>):
/// <code>
///   Transport: RTP/AVP;unicast;client_port=5000-5001, RTP/AVP/TCP;unicast;interleaved=0-1
/// </code>
/// </summary>
internal readonly record struct TransportHeader(bool IsTcp, int? RtpChannel, int? RtcpChannel)
{
    public int? ServerRtpPort { get; init; }
    public int? ServerRtcpPort { get; init; }
    public int? ClientRtpPort { get; init; }
    public int? ClientRtcpPort { get; init; }

    /// <summary>The address the server says it sends from (source=), if any.</summary>
    public string? Source { get; init; }

    /// <summary>The transport spec, e.g. "RTP/AVP/TCP" or "RTP/AVP" (UDP).</summary>
    public string Profile { get; init; } = "";

    public bool IsMulticast { get; init; }

    /// <summary>mode=record (a publisher) rather than the default play.</summary>
    public bool IsRecord { get; init; }

    /// <summary>Each comma-separated alternative of a request's Transport header, in the client's order.</summary>
    public static IEnumerable<TransportHeader> ParseAlternatives(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Parse);

    public static string Request(int rtpChannel) => $"RTP/AVP/TCP;unicast;interleaved={rtpChannel}-{rtpChannel + 1}";

    public static string RequestUdp(int clientRtpPort) =>
        $"RTP/AVP;unicast;client_port={clientRtpPort.ToString(CultureInfo.InvariantCulture)}-{(clientRtpPort + 1).ToString(CultureInfo.InvariantCulture)}";

    public static TransportHeader Parse(string value)
    {
        // A server may list several transports separated by ','; the first is the one it chose.
        var first = value.Split(',')[0];
        var parts = first.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var isTcp = parts.Length > 0 && parts[0].EndsWith("/TCP", StringComparison.OrdinalIgnoreCase);
        int? rtp = null, rtcp = null, serverRtp = null, serverRtcp = null, clientRtp = null, clientRtcp = null;
        string? source = null;
        bool multicast = false, record = false;
        foreach (var part in parts)
        {
            multicast |= part.Equals("multicast", StringComparison.OrdinalIgnoreCase);
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
                if (TryRange(text, 65535, out var a, out var b))
                {
                    (clientRtp, clientRtcp) = (a, b);
                }
            }
            else if (name.Equals("source", StringComparison.OrdinalIgnoreCase))
            {
                source = text;
            }
            else if (name.Equals("mode", StringComparison.OrdinalIgnoreCase))
            {
                record = text.Equals("record", StringComparison.OrdinalIgnoreCase);
            }
        }
        return new TransportHeader(isTcp || rtp is not null, rtp, rtcp)
        {
            ServerRtpPort = serverRtp,
            ServerRtcpPort = serverRtcp,
            ClientRtpPort = clientRtp,
            ClientRtcpPort = clientRtcp,
            Source = source,
            Profile = parts.Length > 0 ? parts[0] : "",
            IsMulticast = multicast,
            IsRecord = record,
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
