using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Rtp;

/// <summary>A track described by SDP makes its own depacketizer; a new codec adds a case here and nothing else.</summary>
public static class DepacketizerFactory
{
    public static bool IsSupported(MediaTrack track) =>
        (track.EncodingName == "H264" && track.ClockRate == 90000) || AudioDepacketizers.IsSupported(track);

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
}
