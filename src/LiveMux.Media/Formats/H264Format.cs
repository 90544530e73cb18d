using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Formats;

/// <summary>
/// H.264 over RTP (RFC 6184): the SPS and PPS from sprop-parameter-sets (8.1) when the SDP has them, which the
/// stream may still replace in band.
/// <code>
/// a=rtpmap:96 H264/90000
/// a=fmtp:96 packetization-mode=1;profile-level-id=42C01E;sprop-parameter-sets=Z0LAHtkA...,aMuDyyA=
/// </code>
/// </summary>
public sealed class H264Format : MediaFormat
{
    public H264Format(int payloadType, byte[] sps, byte[] pps, int packetizationMode = 1, string? profileLevelId = null)
        : base(payloadType, 90000)
    {
        Sps = sps;
        Pps = pps;
        PacketizationMode = packetizationMode;
        ProfileLevelId = profileLevelId;
    }

    /// <summary>The SPS NAL unit (header byte first), or empty when the SDP had none.</summary>
    public byte[] Sps { get; }

    public byte[] Pps { get; }

    /// <summary>The sender's packetization-mode (0 single NAL, 1 non-interleaved; 6.2); ours is always 1.</summary>
    public int PacketizationMode { get; }

    /// <summary>The sender's profile-level-id as announced (hex), or null.</summary>
    public string? ProfileLevelId { get; }

    public override TrackKind Kind => TrackKind.Video;

    public override string EncodingName => "H264";

    public override IDepacketizer CreateDepacketizer(AudioDepacketizerOptions? options = null) => new H264Depacketizer(null, Sps, Pps);

    public override RtpPacketizer CreatePacketizer(RtpPacketizerOptions options) =>
        new H264Packetizer(options, Sps.Length > 0 && Pps.Length > 0 ? [Sps, Pps] : []);

    public override string FormatParameters
    {
        get
        {
            // profile_idc, constraint flags and level_idc are SPS bytes 1-3 (RFC 6184 8.1).
            var profile = Sps.Length >= 4 ? Convert.ToHexString(Sps, 1, 3) : ProfileLevelId;
            var fmtp = "packetization-mode=1";
            if (profile is not null)
            {
                fmtp += $";profile-level-id={profile}";
            }

            if (Sps.Length > 0 && Pps.Length > 0)
            {
                fmtp += $";sprop-parameter-sets={Convert.ToBase64String(Sps)},{Convert.ToBase64String(Pps)}";
            }

            return fmtp;
        }
    }

    internal static H264Format Parse(MediaTrack track)
    {
        byte[] sps = [], pps = [];
        foreach (var set in Base64List(track, "sprop-parameter-sets", 1))
        {
            switch (NalUnit.TypeOf(set[0]))
            {
                case NalUnitType.Sps when sps.Length == 0:
                    sps = set;
                    break;
                case NalUnitType.Pps when pps.Length == 0:
                    pps = set;
                    break;
            }
        }

        var mode = track.FormatParameters.TryGetValue("packetization-mode", out var m) && m is "0" or "1" or "2" ? m[0] - '0' : 0;
        track.FormatParameters.TryGetValue("profile-level-id", out var profile);
        return new H264Format(track.PayloadType, sps, pps, mode, profile is { Length: 6 } && profile.All(Uri.IsHexDigit) ? profile : null);
    }
}
