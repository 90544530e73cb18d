using System.Globalization;
using System.Text;

namespace LiveMux.Media.Sdp;

/// <summary>
/// Writes the SDP (RFC 8866; RTSP usage in RFC 2326 appendix C) a server answers to DESCRIBE. Media sections get
/// the control "trackID=N" (N = their index), which a SETUP resolves against the Content-Base.
/// <code>
///   v=0
///   o=- &lt;id&gt; 1 IN IP4 &lt;address&gt;
///   s=&lt;name&gt;
///   c=IN IP4 0.0.0.0
///   t=0 0
///   a=tool:LiveMux
///   a=range:npt=0-                 live: no end
///   a=control:*
///   (m= section, see SdpMediaSection, then a=control:trackID=N)*
/// </code>
/// </summary>
public static class SessionDescriptionWriter
{
    public const string TrackControlPrefix = "trackID=";

    public static string Write(string sessionName, ulong sessionId, string originAddress, IReadOnlyList<SdpMediaSection> media)
    {
        var sdp = new StringBuilder(512);
        Line(sdp, "v=0");
        Line(sdp, string.Create(CultureInfo.InvariantCulture, $"o=- {sessionId} 1 IN IP4 {originAddress}"));
        Line(sdp, "s=" + sessionName);
        Line(sdp, "c=IN IP4 0.0.0.0");
        Line(sdp, "t=0 0");
        Line(sdp, "a=tool:LiveMux");
        Line(sdp, "a=range:npt=0-");
        Line(sdp, "a=control:*");
        for (var i = 0; i < media.Count; i++)
        {
            var m = media[i];
            Line(sdp, string.Create(CultureInfo.InvariantCulture, $"m={m.MediaType} 0 RTP/AVP {m.PayloadType}"));
            foreach (var attribute in m.Attributes)
            {
                Line(sdp, "a=" + attribute);
            }
            Line(sdp, string.Create(CultureInfo.InvariantCulture, $"a=control:{TrackControlPrefix}{i}"));
        }
        return sdp.ToString();
    }

    private static void Line(StringBuilder sdp, string line)
    {
        // Every value ends up on its own line; a line break inside one would forge further lines.
        if (line.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"SDP line \"{line}\" contains a line break");
        }
        sdp.Append(line).Append("\r\n");
    }
}
