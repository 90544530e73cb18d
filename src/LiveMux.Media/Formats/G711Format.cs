using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.G711;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Formats;

/// <summary>
/// G.711 over RTP (RFC 3551 4.5.14), carried as G.711: PCMU (static payload type 0) or PCMA (8), 8 kHz mono
/// unless a=rtpmap says otherwise.
/// <code>
/// a=rtpmap:8 PCMA/8000
/// </code>
/// </summary>
public sealed class G711Format : MediaFormat
{
    public G711Format(int payloadType, bool aLaw, int clockRate = 8000, int channels = 1)
        : base(payloadType, clockRate > 0 ? clockRate : 8000)
    {
        ALaw = aLaw;
        Channels = Math.Clamp(channels, 1, G711Depacketizer.MaxChannels);
    }

    /// <summary>PCMA (A-law) when true, PCMU (µ-law) when false.</summary>
    public bool ALaw { get; }

    public int Channels { get; }

    public override TrackKind Kind => TrackKind.Audio;

    public override string EncodingName => ALaw ? "PCMA" : "PCMU";

    protected override int RtpMapChannels => Channels > 1 ? Channels : 0;

    public override IDepacketizer CreateDepacketizer(AudioDepacketizerOptions? options = null) => new G711Depacketizer(ALaw, ClockRate, Channels, options);

    public override RtpPacketizer CreatePacketizer(RtpPacketizerOptions options) => new G711Packetizer(options, Channels);

    public override string? FormatParameters => null;

    internal static G711Format Parse(MediaTrack track) =>
        new(track.PayloadType, track.EncodingName == "PCMA", track.ClockRate, track.Channels);
}
