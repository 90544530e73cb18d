using LiveMux.Media.Codecs.H265;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H265;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Formats;

/// <summary>
/// H.265 over RTP (RFC 7798) without interleaving: the first VPS, SPS and PPS of sprop-vps/-sps/-pps (7.1).
/// <code>
/// a=rtpmap:96 H265/90000
/// a=fmtp:96 sprop-vps=QAEMAf...;sprop-sps=QgEBAW...;sprop-pps=RAHA...
/// </code>
/// </summary>
public sealed class H265Format : MediaFormat
{
    public H265Format(int payloadType, byte[] vps, byte[] sps, byte[] pps)
        : base(payloadType, 90000)
    {
        Vps = vps;
        Sps = sps;
        Pps = pps;
    }

    public byte[] Vps { get; }

    public byte[] Sps { get; }

    public byte[] Pps { get; }

    public override TrackKind Kind => TrackKind.Video;

    public override string EncodingName => "H265";

    public override IDepacketizer CreateDepacketizer(AudioDepacketizerOptions? options = null) => new H265Depacketizer(null, Vps, Sps, Pps);

    public override RtpPacketizer CreatePacketizer(RtpPacketizerOptions options) =>
        new H265Packetizer(options, Vps.Length > 0 && Sps.Length > 0 && Pps.Length > 0 ? [Vps, Sps, Pps] : []);

    public override string? FormatParameters =>
        Vps.Length > 0 && Sps.Length > 0 && Pps.Length > 0
            ? $"sprop-vps={Convert.ToBase64String(Vps)};sprop-sps={Convert.ToBase64String(Sps)};sprop-pps={Convert.ToBase64String(Pps)}"
            : null;

    internal static H265Format? Parse(MediaTrack track, out string? unsupportedReason)
    {
        // RFC 7798 7.1: sprop-max-don-diff > 0 means NAL units may arrive out of decoding order, each with
        // a DONL field. Cameras do not send that; supporting it needs a de-interleaving buffer.
        if (track.FormatParameters.TryGetValue("sprop-max-don-diff", out var don) && don != "0")
        {
            unsupportedReason = $"H.265 with interleaved packetization (sprop-max-don-diff={Printable(don)}) is not supported";
            return null;
        }

        unsupportedReason = null;
        return new H265Format(track.PayloadType, First(track, "sprop-vps"), First(track, "sprop-sps"), First(track, "sprop-pps"));
    }

    private static byte[] First(MediaTrack track, string name) =>
        Base64List(track, name, H265NalUnit.HeaderSize) is [var first, ..] ? first : [];

    private static string Printable(string value) =>
        value.Length <= 16 && value.All(char.IsAsciiLetterOrDigit) ? value : "(invalid)";
}
