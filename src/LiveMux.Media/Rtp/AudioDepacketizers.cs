using LiveMux.Media.Rtp.G711;
using LiveMux.Media.Rtp.Mpeg4Audio;
using LiveMux.Media.Rtp.Opus;
using System.Globalization;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Rtp;

/// <summary>
/// The audio cases of <see cref="DepacketizerFactory"/>: AAC (RFC 3640 mpeg4-generic, RFC 6416 MP4A-LATM with
/// cpresent=0), Opus (RFC 7587) and G.711 PCMA/PCMU (RFC 3551). Their configuration comes whole from the SDP,
/// so each depacketizer has its <see cref="IDepacketizer.Config"/> from construction.
/// </summary>
public static class AudioDepacketizers
{
    public static bool IsSupported(MediaTrack track) => track.EncodingName switch
    {
        "MPEG4-GENERIC" => track.MediaType == "audio" && Rfc3640Parameters.TryParse(track.FormatParameters, out _, out _),
        "MP4A-LATM" => LatmDepacketizer.TryParseFormat(track.FormatParameters, out _),
        "OPUS" => true,
        "PCMA" or "PCMU" => true,
        _ => false,
    };

    public static IDepacketizer? TryCreate(MediaTrack track, AudioDepacketizerOptions? options = null)
    {
        switch (track.EncodingName)
        {
            case "MPEG4-GENERIC" when track.MediaType == "audio":
                return Rfc3640Parameters.TryParse(track.FormatParameters, out var parameters, out _)
                    ? new AacDepacketizer(parameters, track.ClockRate, track.Channels, options)
                    : null;
            case "MP4A-LATM":
                return LatmDepacketizer.TryParseFormat(track.FormatParameters, out var muxConfig)
                    ? new LatmDepacketizer(muxConfig, track.ClockRate, track.Channels, options)
                    : null;
            case "OPUS":
                return new OpusDepacketizer(OpusChannels(track), OpusInputRate(track), options);
            case "PCMA" or "PCMU":
                return new G711Depacketizer(track.EncodingName == "PCMA", track.ClockRate, track.Channels, options);
            default:
                return null;
        }
    }

    /// <summary>RFC 7587 7.1: rtpmap always says 2; sprop-stereo=0 or 1 tells what the sender sends.</summary>
    private static int OpusChannels(MediaTrack track) =>
        track.FormatParameters.TryGetValue("sprop-stereo", out var stereo) && stereo is "0" or "1"
            ? stereo == "1" ? 2 : 1
            : Math.Clamp(track.Channels, 1, 2);

    private static int OpusInputRate(MediaTrack track) =>
        track.FormatParameters.TryGetValue("sprop-maxcapturerate", out var text)
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate is >= 8000 and <= 192000
            ? rate
            : OpusDepacketizer.ClockRate;
}
