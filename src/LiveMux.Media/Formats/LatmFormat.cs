using LiveMux.Media.Codecs.Aac;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.Mpeg4Audio;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Formats;

/// <summary>
/// MPEG-4 audio over RFC 6416 MP4A-LATM with cpresent=0: the StreamMuxConfig (and in it the
/// AudioSpecificConfig) from config= (7.3).
/// <code>
/// a=rtpmap:96 MP4A-LATM/44100/2
/// a=fmtp:96 profile-level-id=1;cpresent=0;config=400024203fc0
/// </code>
/// </summary>
public sealed class LatmFormat : MediaFormat
{
    public LatmFormat(int payloadType, int clockRate, int channels, StreamMuxConfig config, string configHex)
        : base(payloadType, clockRate)
    {
        Channels = channels;
        MuxConfig = config;
        ConfigHex = configHex;
    }

    public int Channels { get; }

    public StreamMuxConfig MuxConfig { get; }

    /// <summary>The StreamMuxConfig as announced, in hex.</summary>
    public string ConfigHex { get; }

    public override TrackKind Kind => TrackKind.Audio;

    public override string EncodingName => "MP4A-LATM";

    protected override int RtpMapChannels => Channels;

    public override IDepacketizer CreateDepacketizer(AudioDepacketizerOptions? options = null) =>
        new LatmDepacketizer(MuxConfig, ClockRate, Channels, options);

    public override RtpPacketizer CreatePacketizer(RtpPacketizerOptions options) =>
        MuxConfig.SubFrames == 1
            ? new LatmPacketizer(options)
            : throw new NotSupportedException("LATM with several subframes per element is not packetized");

    public override string FormatParameters => $"profile-level-id=1;cpresent=0;config={ConfigHex}";

    internal static LatmFormat? Parse(MediaTrack track) =>
        LatmDepacketizer.TryParseFormat(track.FormatParameters, out var config)
            ? new LatmFormat(track.PayloadType, track.ClockRate, track.Channels, config, track.FormatParameters["config"])
            : null;
}
