using LiveMux.Media.Codecs.Aac;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.Mpeg4Audio;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Formats;

/// <summary>
/// MPEG-4 audio (AAC) over RFC 3640 mpeg4-generic: the AudioSpecificConfig from config= and the AU header
/// layout (sizelength, indexlength, indexdeltalength...) from the fmtp (4.1).
/// <code>
/// a=rtpmap:96 MPEG4-GENERIC/48000/2
/// a=fmtp:96 streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config=1190
/// </code>
/// </summary>
public sealed class Mpeg4AudioFormat : MediaFormat
{
    public Mpeg4AudioFormat(int payloadType, int clockRate, int channels, Rfc3640Parameters parameters)
        : base(payloadType, clockRate)
    {
        Channels = channels;
        Parameters = parameters;
    }

    /// <summary>Channels announced by a=rtpmap.</summary>
    public int Channels { get; }

    public Rfc3640Parameters Parameters { get; }

    public AudioSpecificConfig Config => Parameters.Config;

    public override TrackKind Kind => TrackKind.Audio;

    public override string EncodingName => "MPEG4-GENERIC";

    protected override int RtpMapChannels => Channels;

    public override IDepacketizer CreateDepacketizer(AudioDepacketizerOptions? options = null) =>
        new AacDepacketizer(Parameters, ClockRate, Channels, options);

    public override RtpPacketizer CreatePacketizer(RtpPacketizerOptions options) => new Rfc3640Packetizer(options, Parameters);

    public override string FormatParameters
    {
        get
        {
            var fmtp = $"streamtype=5;profile-level-id=1;mode={(Parameters.Mode.Length > 0 ? Parameters.Mode : "AAC-hbr")}";
            if (Parameters.HasAuHeaders)
            {
                fmtp += $";sizelength={Parameters.SizeLength};indexlength={Parameters.IndexLength};indexdeltalength={Parameters.IndexDeltaLength}";
            }

            return fmtp + $";config={Convert.ToHexString(Parameters.ConfigBytes)}";
        }
    }

    internal static Mpeg4AudioFormat? Parse(MediaTrack track) =>
        Rfc3640Parameters.TryParse(track.FormatParameters, out var parameters, out _)
            ? new Mpeg4AudioFormat(track.PayloadType, track.ClockRate, track.Channels, parameters)
            : null;
}
