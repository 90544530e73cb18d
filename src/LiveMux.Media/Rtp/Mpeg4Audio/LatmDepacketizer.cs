using System.Buffers;
using LiveMux.Media.Codecs.Aac;
using LiveMux.Media.Mp4;

namespace LiveMux.Media.Rtp.Mpeg4Audio;

/// <summary>
/// RFC 6416 section 6 (MP4A-LATM) depacketizer, for cpresent=0 (the StreamMuxConfig comes in config=):
/// <code>
/// [RTP header][AudioMuxElement]...   AudioMuxElement = { PayloadLengthInfo PayloadMux } x subframes
/// PayloadLengthInfo = 0xFF ... 0xFF n      the AU's length: the sum of the bytes up to the first one below 255
/// </code>
/// A packet holds one or more whole AudioMuxElements with the marker set, or one fragment of an element with
/// the marker on the last fragment (6.1.1); the RTP timestamp is the first AU's. Elements are gathered until
/// the marker, then split into AUs, each its own unit 1024 (or 960) samples after the one before.
/// </summary>
public sealed class LatmDepacketizer : IDepacketizer
{
    private readonly AudioDepacketizerOptions _options;
    private readonly int _subFrames;
    private readonly int _frameTicks;
    private readonly Queue<AccessUnit> _ready = new();
    private SequenceCheck _sequence;
    private TimestampUnwrapper _unwrapper;
    private bool _configChangePending = true;

    private byte[] _element = [];
    private int _length;
    private bool _gathering;
    private bool _broken;
    private uint _timestamp;

    public LatmDepacketizer(StreamMuxConfig config, int clockRate, int sdpChannels, AudioDepacketizerOptions? options = null)
    {
        _options = options ?? new AudioDepacketizerOptions();
        _subFrames = config.SubFrames;
        var asc = config.Config;
        var clock = clockRate > 0 ? clockRate : asc.SampleRate;
        _frameTicks = Math.Max(1, (int)Math.Round((double)asc.FrameLength * clock / asc.SampleRate));
        var channels = asc.Ps ? 2 : asc.Channels > 0 ? asc.Channels : Math.Max(1, sdpChannels);
        Config = new TrackConfig
        {
            Kind = TrackKind.Audio,
            Codec = asc.Codec,
            Timescale = clock,
            SampleEntry = Mp4aSampleEntry.Build(config.ConfigBytes, channels, asc.OutputSampleRate),
            FrameRate = (double)clock / _frameTicks,
        };
    }

    /// <summary>The fmtp of an RFC 6416 stream this depacketizer can take: cpresent=0 and a config it understands.</summary>
    public static bool TryParseFormat(IReadOnlyDictionary<string, string> fmtp, out StreamMuxConfig config)
    {
        config = null!;
        if (!fmtp.TryGetValue("cpresent", out var cpresent) || cpresent != "0"
            || !fmtp.TryGetValue("config", out var hex) || hex.Length == 0 || hex.Length % 2 != 0 || hex.Length > 2 * Mp4aSampleEntry.MaxConfigBytes
            || !hex.All(Uri.IsHexDigit))
        {
            return false;
        }

        return StreamMuxConfig.TryParse(Convert.FromHexString(hex), out config, out _)
            && config.ConfigBytes.Length <= Mp4aSampleEntry.MaxConfigBytes;
    }

    public DropReason LastDropReason { get; private set; }

    public TrackConfig? Config { get; }

    public long DroppedUnits { get; private set; }

    public DepacketizeStatus Push(in RtpPacket packet, out AccessUnit unit)
    {
        unit = default;
        LastDropReason = DropReason.None;
        while (_ready.TryDequeue(out var stale))
        {
            stale.Dispose();
        }

        var step = _sequence.Next(packet.SequenceNumber);
        if (step == SequenceStep.Late)
        {
            return Drop(DropReason.LatePacket);
        }

        var continuesBroken = false;
        if (_gathering && (step == SequenceStep.Gap || packet.Timestamp != _timestamp))
        {
            // A fragment is missing: the lost packet, or a marker that never came. The element's remaining
            // fragments share its timestamp and go with it.
            Drop(step == SequenceStep.Gap ? DropReason.SequenceGap : DropReason.Malformed);
            continuesBroken = packet.Timestamp == _timestamp;
            _gathering = false;
        }
        else if (step == SequenceStep.Gap)
        {
            // Whole packets were lost. If they held the start of this element, its tail fails to split below.
            LastDropReason = DropReason.SequenceGap;
        }

        if (!_gathering)
        {
            _gathering = true;
            _broken = continuesBroken;
            _timestamp = packet.Timestamp;
            _length = 0;
        }

        if (!_broken && !Append(packet.Payload))
        {
            _broken = true;
            Drop(DropReason.AccessUnitTooLarge);
        }

        if (packet.Marker)
        {
            _gathering = false;
            if (!_broken)
            {
                var reason = Split(_unwrapper.Unwrap(_timestamp));
                if (reason != DropReason.None)
                {
                    Drop(reason);
                }
            }
        }

        if (_ready.TryDequeue(out unit))
        {
            return DepacketizeStatus.AccessUnit;
        }

        return LastDropReason == DropReason.None ? DepacketizeStatus.NeedMore : DepacketizeStatus.Dropped;
    }

    public bool TryTakeNext(out AccessUnit unit) => _ready.TryDequeue(out unit);

    private DropReason Split(long timestamp)
    {
        var data = _element.AsSpan(0, _length);
        var index = 0;
        if (data.IsEmpty)
        {
            return DropReason.Malformed;
        }

        while (!data.IsEmpty)
        {
            for (var s = 0; s < _subFrames; s++)
            {
                var size = 0;
                int b;
                do
                {
                    if (data.IsEmpty)
                    {
                        return DropReason.Malformed;
                    }

                    b = data[0];
                    size += b;
                    data = data[1..];
                }
                while (b == 255);

                if (size == 0 || size > data.Length || index == _options.MaxAccessUnitsPerPacket)
                {
                    return DropReason.Malformed;
                }

                var buffer = ArrayPool<byte>.Shared.Rent(size);
                data[..size].CopyTo(buffer);
                _ready.Enqueue(new AccessUnit(buffer, size, timestamp + ((long)index * _frameTicks), _frameTicks, _configChangePending));
                _configChangePending = false;
                data = data[size..];
                index++;
            }
        }

        return DropReason.None;
    }

    private bool Append(ReadOnlySpan<byte> payload)
    {
        var needed = _length + payload.Length;
        if (needed > _options.MaxAccessUnitBytes)
        {
            return false;
        }

        if (needed > _element.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 2048));
            _element.AsSpan(0, _length).CopyTo(bigger);
            if (_element.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_element);
            }

            _element = bigger;
        }

        payload.CopyTo(_element.AsSpan(_length));
        _length = needed;
        return true;
    }

    private DepacketizeStatus Drop(DropReason reason)
    {
        DroppedUnits++;
        LastDropReason = reason;
        return DepacketizeStatus.Dropped;
    }

    public void Dispose()
    {
        while (_ready.TryDequeue(out var stale))
        {
            stale.Dispose();
        }

        if (_element.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_element);
            _element = [];
        }
    }
}
