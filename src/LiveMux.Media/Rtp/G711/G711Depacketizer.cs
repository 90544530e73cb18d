using LiveMux.Media.Mp4;
using System.Buffers;
using LiveMux.Media.Codecs.Flac;
using LiveMux.Media.Codecs.G711;

namespace LiveMux.Media.Rtp.G711;

/// <summary>
/// RFC 3551 section 4.5.14 PCMA/PCMU depacketizer: the payload is one 8-bit code per sample (channels
/// interleaved), static payload types 8 and 0 at 8 kHz mono, other rates and channel counts from a=rtpmap.
/// <code>
/// [RTP header][code(t) code(t+1) ...]  -> G.711 expand -> 16-bit PCM -> one FLAC frame per packet
/// </code>
/// No browser plays G.711 through MSE, but every MSE browser with FLAC-in-MP4 support does (Chrome, Firefox,
/// Safari 17+), and FLAC is lossless, so each packet becomes one FLAC frame without any quality loss. The
/// frame's sample number counts from the first packet in the RTP clock, so a loss leaves a gap in numbering
/// that decoders ignore. It wraps at 2^31: FLAC allows 36 bits, but ffmpeg's decoder (Chrome's too) rejects
/// the 7-byte form that numbers from 2^31 on need, which a 48 kHz stream reaches after 12 hours.
/// </summary>
public sealed class G711Depacketizer : IDepacketizer
{
    private readonly AudioDepacketizerOptions _options;
    private readonly bool _aLaw;
    private readonly int _channels;
    private readonly int _sampleRate;
    private SequenceCheck _sequence;
    private TimestampUnwrapper _unwrapper;
    private bool _started;
    private long _firstTimestamp;
    private bool _configChangePending = true;
    private short[] _pcm = [];

    public G711Depacketizer(bool aLaw, int sampleRate = 8000, int channels = 1, AudioDepacketizerOptions? options = null)
    {
        _options = options ?? new AudioDepacketizerOptions();
        _aLaw = aLaw;
        _channels = Math.Clamp(channels, 1, FlacFrameEncoder.MaxChannels);
        _sampleRate = sampleRate > 0 ? sampleRate : 8000;
        var maxBlock = Math.Clamp(_options.MaxG711BlockSize, FlacSampleEntry.MinBlockSize, FlacFrameEncoder.MaxBlockSize);
        Config = new TrackConfig
        {
            Kind = TrackKind.Audio,
            Codec = "flac",
            Timescale = _sampleRate,
            SampleEntry = FlacSampleEntry.Build(_channels, _sampleRate, maxBlock),
            FrameRate = 50, // 20 ms, the RFC 3551 default packet; each unit carries its exact duration
        };
    }

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

        var codes = packet.Payload;
        if (codes.IsEmpty || codes.Length % _channels != 0)
        {
            return Drop(DropReason.Malformed);
        }

        var blockSize = codes.Length / _channels;
        if (blockSize > _options.MaxG711BlockSize || blockSize > FlacFrameEncoder.MaxBlockSize)
        {
            return Drop(DropReason.AccessUnitTooLarge);
        }

        if (step == SequenceStep.Gap)
        {
            LastDropReason = DropReason.SequenceGap;
        }

        var timestamp = _unwrapper.Unwrap(packet.Timestamp);
        if (!_started)
        {
            _started = true;
            _firstTimestamp = timestamp;
        }

        if (_pcm.Length < codes.Length)
        {
            _pcm = new short[codes.Length];
        }

        var pcm = _pcm.AsSpan(0, codes.Length);
        Codecs.G711.G711.Decode(codes, pcm, _aLaw);
        var buffer = ArrayPool<byte>.Shared.Rent(FlacFrameEncoder.MaxFrameBytes(blockSize, _channels));
        var sampleNumber = (timestamp - _firstTimestamp) & int.MaxValue;
        var length = FlacFrameEncoder.Encode(pcm, _channels, _sampleRate, sampleNumber, buffer);
        if (length == 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return Drop(DropReason.Malformed);
        }

        unit = new AccessUnit(buffer, length, timestamp, blockSize, _configChangePending);
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
