using System.Buffers;
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
public sealed class OpusDepacketizer : IDepacketizer
{
    public const int ClockRate = 48000;

    private readonly AudioDepacketizerOptions _options;
    private SequenceCheck _sequence;
    private TimestampUnwrapper _unwrapper;
    private bool _configChangePending = true;

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

    public DropReason LastDropReason { get; private set; }

    public TrackConfig? Config { get; }

    public long DroppedUnits { get; private set; }

    public DepacketizeStatus Push(in RtpPacket packet, out AccessUnit unit)
    {
        unit = default;
        LastDropReason = DropReason.None;
        var step = _sequence.Next(packet.SequenceNumber);
        if (step == SequenceStep.Late)
        {
            return Drop(DropReason.LatePacket);
        }

        var payload = packet.Payload;
        var duration = OpusPacket.Duration(payload);
        if (duration == 0)
        {
            return Drop(DropReason.Malformed);
        }

        if (payload.Length > _options.MaxAccessUnitBytes)
        {
            return Drop(DropReason.AccessUnitTooLarge);
        }

        if (step == SequenceStep.Gap)
        {
            LastDropReason = DropReason.SequenceGap;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(payload.Length);
        payload.CopyTo(buffer);
        unit = new AccessUnit(buffer, payload.Length, _unwrapper.Unwrap(packet.Timestamp), duration, _configChangePending);
        _configChangePending = false;
        return DepacketizeStatus.AccessUnit;
    }

    private DepacketizeStatus Drop(DropReason reason)
    {
        DroppedUnits++;
        LastDropReason = reason;
        return DepacketizeStatus.Dropped;
    }

    public void Dispose()
    {
    }
}
