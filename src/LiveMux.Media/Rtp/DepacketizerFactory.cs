using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Codecs.H265;
using LiveMux.Media.Rtp.H264;
using LiveMux.Media.Rtp.H265;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Rtp;

/// <summary>A track described by SDP makes its own depacketizer; a new codec adds a case here and nothing else.</summary>
public static class DepacketizerFactory
{
    public static bool IsSupported(MediaTrack track) => UnsupportedReason(track) is null;

    /// <summary>Why a track cannot be depacketized, for logs and errors; null when it can.</summary>
    public static string? UnsupportedReason(MediaTrack track)
    {
        switch (track.EncodingName)
        {
            case "H264" or "H265" when track.ClockRate != 90000:
                return $"{track.EncodingName} with a {track.ClockRate} Hz clock (RTP video uses 90000)";
            case "H264":
                return null;
            case "H265":
                // RFC 7798 7.1: sprop-max-don-diff > 0 means NAL units may arrive out of decoding order, each with
                // a DONL field. Cameras do not send that; supporting it needs a de-interleaving buffer.
                return track.FormatParameters.TryGetValue("sprop-max-don-diff", out var don) && don != "0"
                    ? $"H.265 with interleaved packetization (sprop-max-don-diff={Printable(don)}) is not supported"
                    : null;
            case var _ when AudioDepacketizers.IsSupported(track):
                return null;
            default:
                return $"no depacketizer for {(track.EncodingName.Length == 0 ? $"payload type {track.PayloadType}" : track.EncodingName)}";
        }
    }

    public static IDepacketizer? TryCreate(MediaTrack track)
    {
        if (AudioDepacketizers.IsSupported(track))
        {
            return AudioDepacketizers.TryCreate(track);
        }

        if (!IsSupported(track))
        {
            return null;
        }

        if (track.EncodingName == "H265")
        {
            return new H265Depacketizer(
                null,
                FirstParameterSet(track, "sprop-vps"),
                FirstParameterSet(track, "sprop-sps"),
                FirstParameterSet(track, "sprop-pps"));
        }

        ReadOnlySpan<byte> sps = default, pps = default;
        if (track.FormatParameters.TryGetValue("sprop-parameter-sets", out var sprop))
        {
            foreach (var part in sprop.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var bytes = new byte[part.Length];
                if (!Convert.TryFromBase64String(part, bytes, out var length) || length == 0)
                {
                    continue;
                }

                switch (NalUnit.TypeOf(bytes[0]))
                {
                    case NalUnitType.Sps when sps.IsEmpty:
                        sps = bytes.AsSpan(0, length);
                        break;
                    case NalUnitType.Pps when pps.IsEmpty:
                        pps = bytes.AsSpan(0, length);
                        break;
                }
            }
        }

        return new H264Depacketizer(null, sps, pps);
    }

    private static string Printable(string value) =>
        value.Length <= 16 && value.All(char.IsAsciiLetterOrDigit) ? value : "(invalid)";

    /// <summary>The first parameter set of an RFC 7798 7.1 sprop-vps/sprop-sps/sprop-pps list, or empty.</summary>
    private static byte[] FirstParameterSet(MediaTrack track, string name)
    {
        if (!track.FormatParameters.TryGetValue(name, out var value))
        {
            return [];
        }

        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bytes = new byte[part.Length];
            if (Convert.TryFromBase64String(part, bytes, out var length) && length >= H265NalUnit.HeaderSize)
            {
                return bytes[..length];
            }
        }

        return [];
    }
}
