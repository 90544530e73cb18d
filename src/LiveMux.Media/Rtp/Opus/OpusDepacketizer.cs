using LiveMux.Media.Codecs.Opus;
using LiveMux.Media.Mp4;

namespace LiveMux.Media.Rtp.Opus;

/// <summary>
/// RFC 7587 depacketizer: each RTP payload is exactly one Opus packet (section 4.2), the clock is always
/// 48 kHz (4.1), and the packet's duration comes from its TOC byte (RFC 6716 3.1). Every Opus packet decodes
/// on its own, so a loss drops nothing more than what was lost; with DTX the timestamps jump over silence.
/// <code>
/// [RTP header][TOC | frames ...]      one Opus packet, 2.5 to 120 ms
/// </code>
/// The channel count comes from the SDP: rtpmap always says opus/48000/2 (7.1), sprop-stereo says whether
/// the sender is likely to send stereo (default 0, mono); family 0 decoders mix either way.
/// </summary>
public sealed class OpusDepacketizer : UnitPerPacketDepacketizer
{
    public const int ClockRate = 48000;

    private readonly AudioDepacketizerOptions _options;

    public OpusDepacketizer(int channels, int inputSampleRate = ClockRate, AudioDepacketizerOptions? options = null)
    {
        _options = options ?? new AudioDepacketizerOptions();
        Channels = Math.Clamp(channels, 1, 2);
        Config = new TrackConfig
        {
            Kind = TrackKind.Audio,
            Codec = "opus",
            Timescale = ClockRate,
            SampleEntry = OpusSampleEntry.Build(Channels, inputSampleRate > 0 ? inputSampleRate : ClockRate),
            FrameRate = ClockRate / 960.0, // 20 ms, the common packet; each unit carries its exact duration
        };
    }

    public int Channels { get; }

    public override TrackConfig? Config { get; }

    protected override DropReason Measure(ReadOnlySpan<byte> payload, out int duration)
    {
        duration = OpusPacket.Duration(payload);
        return duration == 0 ? DropReason.Malformed
            : payload.Length > _options.MaxAccessUnitBytes ? DropReason.AccessUnitTooLarge
            : DropReason.None;
    }
}
