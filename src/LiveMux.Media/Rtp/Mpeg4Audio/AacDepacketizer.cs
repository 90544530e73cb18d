using System.Buffers;
using LiveMux.Media.Bits;
using LiveMux.Media.Codecs.Aac;
using LiveMux.Media.Mp4;

namespace LiveMux.Media.Rtp.Mpeg4Audio;

/// <summary>
/// RFC 3640 (mpeg4-generic) depacketizer for AAC, modes AAC-hbr and AAC-lbr and the generic layout (section 3.2):
/// <code>
/// +-----------+--------------------------------------+----------------+------------------------------+
/// | RTP hdr   | AU-headers-length(16, in bits)       | auxiliary data | AU(1) AU(2) ... AU(n)        |
/// |           | AU-header(1) ... AU-header(n), pad   | (optional)     |                              |
/// +-----------+--------------------------------------+----------------+------------------------------+
/// AU-header(1) = AU-size(sizelength) AU-Index(indexlength) [CTS-flag CTS-delta] [DTS-flag DTS-delta] [RAP] [state]
/// AU-header(i) = AU-size(sizelength) AU-Index-delta(indexdeltalength) ...
/// </code>
/// Several AUs in a packet come out one by one: <see cref="Push"/> hands out the first and
/// <see cref="TryTakeNext"/> the rest; AU i is at the packet's timestamp plus i frame lengths (or its CTS-delta).
/// One AU larger than a packet is fragmented (3.2.3): every fragment repeats the AU-header with the whole AU's
/// size and the RTP timestamp, and the marker bit is set on the last one. A loss drops only the AU it broke.
/// </summary>
public sealed class AacDepacketizer : IDepacketizer
{
    private readonly AudioDepacketizerOptions _options;
    private readonly Rfc3640Parameters _parameters;
    private readonly int _frameTicks;
    private readonly Queue<AccessUnit> _ready = new();
    private readonly List<(int Size, long Offset)> _headers = [];

    private SequenceCheck _sequence;
    private TimestampUnwrapper _unwrapper;
    private bool _configChangePending = true;

    private byte[]? _fragment;
    private int _fragmentLength;
    private int _fragmentSize;
    private uint _fragmentTimestamp;
    private bool _discarding;
    private uint _discardTimestamp;

    public AacDepacketizer(Rfc3640Parameters parameters, int clockRate, int sdpChannels, AudioDepacketizerOptions? options = null)
    {
        _options = options ?? new AudioDepacketizerOptions();
        _parameters = parameters;
        var asc = parameters.Config;
        var clock = clockRate > 0 ? clockRate : asc.SampleRate;
        _frameTicks = parameters.ConstantDuration > 0
            ? parameters.ConstantDuration
            : Math.Max(1, (int)Math.Round((double)asc.FrameLength * clock / asc.SampleRate));
        var channels = asc.Ps ? 2 : asc.Channels > 0 ? asc.Channels : Math.Max(1, sdpChannels);
        Config = new TrackConfig
        {
            Kind = TrackKind.Audio,
            Codec = asc.Codec,
            Timescale = clock,
            SampleEntry = Mp4aSampleEntry.Build(parameters.ConfigBytes, channels, asc.OutputSampleRate),
            FrameRate = (double)clock / _frameTicks,
        };
    }

    public DropReason LastDropReason { get; private set; }

    public TrackConfig? Config { get; }

    /// <summary>One AU's length in the RTP clock.</summary>
    public int FrameDuration => _frameTicks;

    /// <summary>Access units and packets dropped since creation, for counters.</summary>
    public long DroppedUnits { get; private set; }

    public DepacketizeStatus Push(in RtpPacket packet, out AccessUnit unit)
    {
        unit = default;
        LastDropReason = DropReason.None;
        DisposeReady();

        var step = _sequence.Next(packet.SequenceNumber);
        if (step == SequenceStep.Late)
        {
            return Drop(DropReason.LatePacket);
        }

        if (step == SequenceStep.Gap)
        {
            if (_fragment is not null)
            {
                // The AU being reassembled lost a piece; its remaining fragments are dropped with it.
                Drop(DropReason.SequenceGap);
                StartDiscarding(_fragmentTimestamp);
            }
            else
            {
                LastDropReason = DropReason.SequenceGap;
            }
        }


        if (_discarding)
        {
            if (packet.Timestamp == _discardTimestamp)
            {
                return Drop(LastDropReason == DropReason.None ? DropReason.FragmentWithoutStart : LastDropReason);
            }

            _discarding = false;
        }

        if (_fragment is not null && packet.Timestamp != _fragmentTimestamp)
        {
            // The marker of the last fragment was lost or never set; the AU cannot be complete.
            ResetFragment();
            Drop(DropReason.Malformed);
        }

        var timestamp = _unwrapper.Unwrap(packet.Timestamp);
        var reason = _parameters.HasAuHeaders
            ? ReadWithHeaders(packet, timestamp)
            : ReadWithoutHeaders(packet, timestamp);
        if (reason != DropReason.None)
        {
            Drop(reason);
        }

        if (_ready.TryDequeue(out unit))
        {
            return DepacketizeStatus.AccessUnit;
        }

        return LastDropReason == DropReason.None ? DepacketizeStatus.NeedMore : DepacketizeStatus.Dropped;
    }

    public bool TryTakeNext(out AccessUnit unit) => _ready.TryDequeue(out unit);

    private DropReason ReadWithHeaders(in RtpPacket packet, long timestamp)
    {
        var payload = packet.Payload;
        if (payload.Length < 2)
        {
            return AbandonFragment(DropReason.Malformed);
        }

        var headerBits = (payload[0] << 8) | payload[1];
        var headerBytes = (headerBits + 7) / 8;
        if (2 + headerBytes > payload.Length)
        {
            return AbandonFragment(DropReason.Malformed);
        }

        var reason = ParseHeaders(payload.Slice(2, headerBytes), headerBits);
        if (reason != DropReason.None)
        {
            return AbandonFragment(reason);
        }

        var data = payload[(2 + headerBytes)..];
        if (_parameters.AuxiliaryDataSizeLength > 0)
        {
            var aux = new BitReader(data);
            var auxBits = (long)aux.ReadBits(_parameters.AuxiliaryDataSizeLength);
            var auxBytes = (_parameters.AuxiliaryDataSizeLength + auxBits + 7) / 8;
            if (aux.Overrun || auxBytes > data.Length)
            {
                return AbandonFragment(DropReason.Malformed);
            }

            data = data[(int)auxBytes..];
        }

        if (_fragment is not null)
        {
            if (_headers.Count != 1 || _headers[0].Size != _fragmentSize)
            {
                return AbandonFragment(DropReason.Malformed);
            }

            return ContinueFragment(data, packet.Marker);
        }

        for (var i = 0; i < _headers.Count; i++)
        {
            var size = _headers[i].Size;
            if (size <= data.Length)
            {
                Emit(data[..size], timestamp + _headers[i].Offset);
                data = data[size..];
                continue;
            }

            if (_headers.Count > 1)
            {
                // Only a lone AU may be fragmented; the AUs before this one were whole and are kept.
                return DropReason.Malformed;
            }

            return StartFragment(data, size, packet.Timestamp, packet.Marker);
        }

        return DropReason.None;
    }

    /// <summary>Without an AU header section a packet holds one AU (or one fragment, ended by the marker), or constantsize AUs.</summary>
    private DropReason ReadWithoutHeaders(in RtpPacket packet, long timestamp)
    {
        var data = packet.Payload;
        var constant = _parameters.ConstantSize;
        if (constant > 0)
        {
            if (data.Length == 0 || data.Length % constant != 0 || data.Length / constant > _options.MaxAccessUnitsPerPacket)
            {
                return DropReason.Malformed;
            }

            for (var i = 0; data.Length > 0; i++)
            {
                Emit(data[..constant], timestamp + ((long)i * _frameTicks));
                data = data[constant..];
            }

            return DropReason.None;
        }

        if (_fragment is null && packet.Marker)
        {
            if (data.IsEmpty)
            {
                return DropReason.Malformed;
            }

            Emit(data, timestamp);
            return DropReason.None;
        }

        if (_fragment is null)
        {
            _fragment = ArrayPool<byte>.Shared.Rent(Math.Max(1024, data.Length));
            _fragmentLength = 0;
            _fragmentSize = _options.MaxAccessUnitBytes;
            _fragmentTimestamp = packet.Timestamp;
        }

        if (!Append(data))
        {
            return AbandonFragment(DropReason.AccessUnitTooLarge);
        }

        if (packet.Marker)
        {
            _fragmentSize = _fragmentLength;
            FinishFragment();
        }

        return DropReason.None;
    }

    private DropReason ParseHeaders(ReadOnlySpan<byte> section, int headerBits)
    {
        _headers.Clear();
        var p = _parameters;
        var r = new BitReader(section);
        var consumed = 0;
        while (consumed < headerBits)
        {
            var first = _headers.Count == 0;
            var size = p.SizeLength > 0 ? (long)r.ReadBits(p.SizeLength) : p.ConstantSize;
            var indexField = (long)r.ReadBits(first ? p.IndexLength : p.IndexDeltaLength);
            var offset = _headers.Count * (long)_frameTicks;
            if (p.CtsDeltaLength > 0 && r.ReadBit())
            {
                var delta = (long)r.ReadBits(p.CtsDeltaLength);
                if (!first)
                {
                    // Two's complement of ctsdeltalength bits (3.2.1.1).
                    offset = delta >= 1L << (p.CtsDeltaLength - 1) ? delta - (1L << p.CtsDeltaLength) : delta;
                }
            }

            if (p.DtsDeltaLength > 0 && r.ReadBit())
            {
                r.Skip(p.DtsDeltaLength);
            }

            if (p.RandomAccessIndication)
            {
                r.Skip(1);
            }

            r.Skip(p.StreamStateIndication);
            consumed = (section.Length * 8) - r.BitsLeft;
            if (r.Overrun || consumed > headerBits)
            {
                return DropReason.Malformed;
            }

            // Interleaving (3.2.3.2) reorders AUs across packets; no camera was seen doing it for live audio.
            if (indexField != 0)
            {
                return DropReason.UnsupportedPacketType;
            }

            if (size == 0 || size > _options.MaxAccessUnitBytes)
            {
                return size == 0 ? DropReason.Malformed : DropReason.AccessUnitTooLarge;
            }

            if (_headers.Count == _options.MaxAccessUnitsPerPacket)
            {
                return DropReason.Malformed;
            }

            _headers.Add(((int)size, offset));
        }

        return _headers.Count == 0 ? DropReason.Malformed : DropReason.None;
    }

    private DropReason StartFragment(ReadOnlySpan<byte> data, int size, uint rtpTimestamp, bool marker)
    {
        if (marker)
        {
            // The last fragment cannot also be the first: this AU is short of bytes.
            return DropReason.Malformed;
        }

        _fragment = ArrayPool<byte>.Shared.Rent(size);
        _fragmentLength = 0;
        _fragmentSize = size;
        _fragmentTimestamp = rtpTimestamp;
        data.CopyTo(_fragment);
        _fragmentLength = data.Length;
        return DropReason.None;
    }

    private DropReason ContinueFragment(ReadOnlySpan<byte> data, bool marker)
    {
        if (!Append(data))
        {
            return AbandonFragment(DropReason.Malformed);
        }

        if (_fragmentLength == _fragmentSize)
        {
            FinishFragment();
            return DropReason.None;
        }

        // A marker before the AU is whole means fragments went missing, for instance the first one.
        return marker ? AbandonFragment(DropReason.Malformed) : DropReason.None;
    }

    private bool Append(ReadOnlySpan<byte> data)
    {
        var needed = _fragmentLength + data.Length;
        if (needed > _fragmentSize)
        {
            return false;
        }

        if (needed > _fragment!.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(needed, _fragment.Length * 2), _options.MaxAccessUnitBytes));
            _fragment.AsSpan(0, _fragmentLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_fragment);
            _fragment = bigger;
        }

        data.CopyTo(_fragment.AsSpan(_fragmentLength));
        _fragmentLength = needed;
        return true;
    }

    private void FinishFragment()
    {
        var timestamp = _unwrapper.Unwrap(_fragmentTimestamp);
        var header = AdtsHeaderLength(_fragment.AsSpan(0, _fragmentLength));
        if (header > 0)
        {
            _fragment.AsSpan(header, _fragmentLength - header).CopyTo(_fragment);
            _fragmentLength -= header;
        }

        _ready.Enqueue(new AccessUnit(_fragment!, _fragmentLength, timestamp, _frameTicks, TakeConfigChange()));
        _fragment = null;
        _fragmentLength = 0;
    }

    private DropReason AbandonFragment(DropReason reason)
    {
        if (_fragment is not null)
        {
            StartDiscarding(_fragmentTimestamp);
            ResetFragment();
        }

        return reason;
    }

    private void StartDiscarding(uint timestamp)
    {
        ResetFragment();
        _discarding = true;
        _discardTimestamp = timestamp;
    }

    private void Emit(ReadOnlySpan<byte> au, long timestamp)
    {
        au = au[AdtsHeaderLength(au)..];
        var buffer = ArrayPool<byte>.Shared.Rent(au.Length);
        au.CopyTo(buffer);
        _ready.Enqueue(new AccessUnit(buffer, au.Length, timestamp, _frameTicks, TakeConfigChange()));
    }

    /// <summary>
    /// Camera quirk: some encoders hand their ADTS frames to the payloader unchanged, so each AU starts with a
    /// 7- or 9-byte ADTS header (14496-3 1.A.2.2) that an MP4 sample must not have. It is recognised by its
    /// sync word and a frame_length equal to the AU's size; a raw AAC frame cannot begin that way (0xFF would
    /// open with ID_END).
    /// <code>
    /// syncword(12)=0xFFF id(1) layer(2)=0 protection_absent(1) profile(2) rate(4) private(1) channels(3) ...
    /// frame_length(13, header included) buffer_fullness(11) frames-1(2) [crc(16) when protection_absent = 0]
    /// </code>
    /// </summary>
    internal static int AdtsHeaderLength(ReadOnlySpan<byte> au)
    {
        if (au.Length < 9 || au[0] != 0xFF || (au[1] & 0xF6) != 0xF0)
        {
            return 0;
        }

        var frameLength = ((au[3] & 0x03) << 11) | (au[4] << 3) | (au[5] >> 5);
        var header = (au[1] & 0x01) != 0 ? 7 : 9;
        return frameLength == au.Length && (au[6] & 0x03) == 0 ? header : 0;
    }

    private bool TakeConfigChange()
    {
        var pending = _configChangePending;
        _configChangePending = false;
        return pending;
    }

    private DepacketizeStatus Drop(DropReason reason)
    {
        DroppedUnits++;
        LastDropReason = reason;
        return DepacketizeStatus.Dropped;
    }

    private void ResetFragment()
    {
        if (_fragment is not null)
        {
            ArrayPool<byte>.Shared.Return(_fragment);
            _fragment = null;
        }

        _fragmentLength = 0;
    }

    private void DisposeReady()
    {
        while (_ready.TryDequeue(out var stale))
        {
            stale.Dispose();
        }
    }

    public void Dispose()
    {
        DisposeReady();
        ResetFragment();
    }
}
