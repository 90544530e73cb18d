using System.Globalization;

namespace LiveMux.Rtsp.Protocol;

/// <summary>
/// The parts of a SETUP reply's Transport header (RFC 2326 section 12.39) that TCP interleaving needs.
/// <code>
///   Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=1A2B3C4D;mode="PLAY"
/// </code>
/// </summary>
internal readonly record struct TransportHeader(bool IsTcp, int? RtpChannel, int? RtcpChannel)
{
    public static string Request(int rtpChannel) => $"RTP/AVP/TCP;unicast;interleaved={rtpChannel}-{rtpChannel + 1}";

    public static TransportHeader Parse(string value)
    {
        // A server may list several transports separated by ','; the first is the one it chose.
        var first = value.Split(',')[0];
        var parts = first.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var isTcp = parts.Length > 0 && parts[0].EndsWith("/TCP", StringComparison.OrdinalIgnoreCase);
        int? rtp = null, rtcp = null;
        foreach (var part in parts)
        {
            if (!part.StartsWith("interleaved=", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var range = part["interleaved=".Length..].Split('-');
            if (byte.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a))
            {
                rtp = a;
                rtcp = range.Length > 1 && byte.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                    ? b : a + 1;
            }
        }
        return new TransportHeader(isTcp || rtp is not null, rtp, rtcp);
    }
}
