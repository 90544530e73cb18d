using System.Text;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// The SDP (RFC 8866) answered to DESCRIBE: one H.264 track, RFC 6184 section 8.1 fmtp parameters.
/// </summary>
/// <remarks>
/// <code>
///   v=0 / o= / s= / c=IN IP4 0.0.0.0 / t=0 0 / a=control:*
///   m=video 0 RTP/AVP 96
///   a=rtpmap:96 H264/90000
///   a=fmtp:96 packetization-mode=1;profile-level-id=PPCCLL;sprop-parameter-sets=SPS64,PPS64
///   a=control:trackID=0
/// </code>
/// </remarks>
internal static class DemoSdp
{
    public const int PayloadType = 96;
    public const string TrackControl = "trackID=0";

    public static string Build(DemoClipContent clip, ulong sessionId)
    {
        var sdp = new StringBuilder();
        sdp.Append("v=0\r\n")
           .Append("o=- ").Append(sessionId).Append(" 1 IN IP4 127.0.0.1\r\n")
           .Append("s=LiveMux demo\r\n")
           .Append("c=IN IP4 0.0.0.0\r\n")
           .Append("t=0 0\r\n")
           .Append("a=tool:LiveMux\r\n")
           .Append("a=range:npt=0-\r\n")
           .Append("a=control:*\r\n")
           .Append("m=video 0 RTP/AVP ").Append(PayloadType).Append("\r\n")
           .Append("a=rtpmap:").Append(PayloadType).Append(" H264/").Append(DemoClip.ClockRate).Append("\r\n")
           .Append("a=fmtp:").Append(PayloadType)
           .Append(" packetization-mode=1;profile-level-id=").Append(clip.ProfileLevelId)
           .Append(";sprop-parameter-sets=").Append(Convert.ToBase64String(clip.Sps.Span))
           .Append(',').Append(Convert.ToBase64String(clip.Pps.Span)).Append("\r\n")
           .Append("a=framerate:").Append(DemoClip.FrameRate).Append("\r\n")
           .Append("a=control:").Append(TrackControl).Append("\r\n");
        return sdp.ToString();
    }
}
