using System.Globalization;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// The client's Transport header of SETUP (RFC 2326 section 12.39). Only RTP/AVP/TCP is served.
/// </summary>
/// <remarks>
/// <code>
///   Transport: RTP/AVP/TCP;unicast;interleaved=0-1 , RTP/AVP;unicast;client_port=5000-5001
///              \_ first TCP alternative wins _____/   \_ UDP: skipped (461 if nothing else) _/
/// </code>
/// </remarks>
internal static class DemoTransportHeader
{
    /// <summary>Picks the first RTP/AVP/TCP alternative of a Transport header (RFC 2326 12.39).</summary>
    public static bool TryParseTcp(string? header, out byte rtpChannel, out byte rtcpChannel)
    {
        rtpChannel = 0;
        rtcpChannel = 1;
        if (header is null)
        {
            return false;
        }

        foreach (string alternative in header.Split(','))
        {
            string[] parts = alternative.Split(';', StringSplitOptions.TrimEntries);
            if (!parts[0].Equals("RTP/AVP/TCP", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string? interleaved = parts.FirstOrDefault(p => p.StartsWith("interleaved=", StringComparison.OrdinalIgnoreCase));
            if (interleaved is null)
            {
                return true;
            }

            string[] channels = interleaved["interleaved=".Length..].Split('-');
            if (!byte.TryParse(channels[0], CultureInfo.InvariantCulture, out rtpChannel) || rtpChannel == 255)
            {
                continue;
            }

            rtcpChannel = (byte)(rtpChannel + 1);
            if (channels.Length == 2 && !byte.TryParse(channels[1], CultureInfo.InvariantCulture, out rtcpChannel))
            {
                continue;
            }

            return true;
        }

        return false;
    }
}
