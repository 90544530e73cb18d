using System.Buffers;
using System.Buffers.Binary;
using LiveMux.Media.Codecs.H264;

namespace LiveMux.Media.Rtp;

/// <summary>
/// RFC 6184 depacketizer (packetization modes 0 and 1): single NAL unit packets, STAP-A (5.7.1) and FU-A (5.8).
/// <code>
/// single:  [F|NRI|type 1-23][NAL payload...]
/// STAP-A:  [F|NRI|24] { [size16][NAL] } ...
/// FU-A:    [F|NRI|28] [S|E|R|type] [fragment...]     NAL header = F|NRI of indicator + type of FU header
/// </code>
/// Output is one access unit per frame in AVCC form (4-byte lengths). A frame ends on the marker bit or,
/// for cameras that do not set it, when the timestamp changes. AUD and filler NAL units are dropped;
/// SPS and PPS go to the sample entry instead of the samples. After any loss the decoder would show
/// corrupt pictures, so everything up to the next IDR is dropped.
/// </summary>
public sealed class H264Depacketizer : IDepacketizer
{
    private readonly H264DepacketizerOptions _options;
    private byte[] _unit;
    private int _length;
    private int _nalCount;
    private bool _unitHasIdr;
    private bool _unitBroken;
    private bool _unitStarted;
    private uint _unitTimestamp;
    private int _fuStart = -1;

    private bool _haveSequence;
    private ushort _expectedSequence;
    private bool _waitForKeyframe = true;
    private bool _markerTrusted = true;
    private bool _lastEndedOnMarker;
    private uint _lastEmittedTimestamp;
    private TimestampUnwrapper _unwrapper;

    private readonly H264ParameterSets _parameterSets;
    private readonly DecodeTimeEstimator _decodeTimes = new();
    private bool _configChangePending = true;

    public H264Depacketizer(H264DepacketizerOptions? options = null, ReadOnlySpan<byte> sps = default, ReadOnlySpan<byte> pps = default)
    {
        _options = options ?? new H264DepacketizerOptions();
        _unit = ArrayPool<byte>.Shared.Rent(_options.InitialBufferBytes);
        _parameterSets = new H264ParameterSets(_options.AddBitstreamRestriction);
        if (!sps.IsEmpty && !pps.IsEmpty)
        {
            _parameterSets.Offer(sps);
            _parameterSets.Offer(pps);
            if (_parameterSets.Refresh())
            {
                ConfigureDecodeTimes();
            }
        }
    }

    public DropReason LastDropReason { get; private set; }

    public TrackConfig? Config => _parameterSets.Config;

    /// <summary>Access units and packets dropped since creation, for counters.</summary>
    public long DroppedUnits { get; private set; }

    public DepacketizeStatus Push(in RtpPacket packet, out AccessUnit unit)
    {
        unit = default;
        LastDropReason = DropReason.None;
        var status = DepacketizeStatus.NeedMore;
        var breakNewUnit = false;

        if (_haveSequence && packet.SequenceNumber != _expectedSequence)
        {
            if (unchecked((short)(packet.SequenceNumber - _expectedSequence)) < 0)
            {
                // A duplicate, or a packet the reorder stage gave up on: its frame is already out.
                return Drop(DropReason.LatePacket);
            }

            // Loss. The frame in progress is incomplete, and so is the rest of it if this packet belongs to it.
            // A packet of a new frame is only trusted if it begins that frame: the lost packets may have been
            // its first slices.
            breakNewUnit = (_unitStarted && packet.Timestamp == _unitTimestamp) || !StartsAccessUnit(packet.Payload);
            var hadUnit = _unitStarted;
            ResetUnit();
            _waitForKeyframe = true;
            if (hadUnit)
            {
                status = Drop(DropReason.SequenceGap);
            }
            else
            {
                LastDropReason = DropReason.SequenceGap;
                status = DepacketizeStatus.Dropped;
            }
        }
        else if (_unitStarted && packet.Timestamp != _unitTimestamp)
        {
            status = Finish(out unit);
        }
        else if (!_unitStarted && _lastEndedOnMarker && _markerTrusted && packet.Timestamp == _lastEmittedTimestamp)
        {
            // Some encoders set the marker on every slice, not only on the last one of the frame, so the next
            // slice shares the previous frame's timestamp. From here on frames end on timestamp changes only,
            // at the cost of one frame of latency for this camera. The frame already sent was partial.
            _markerTrusted = false;
            _waitForKeyframe = true;
            breakNewUnit = true;
            LastDropReason = DropReason.MarkerQuirk;
            status = DepacketizeStatus.Dropped;
        }

        _haveSequence = true;
        _expectedSequence = unchecked((ushort)(packet.SequenceNumber + 1));
        _lastEndedOnMarker = false;

        if (!_unitStarted)
        {
            _unitStarted = true;
            _unitTimestamp = packet.Timestamp;
            _unitBroken = breakNewUnit;
        }

        if (!_unitBroken)
        {
            var reason = AddPayload(packet.Payload);
            if (reason != DropReason.None)
            {
                _unitBroken = true;
                _fuStart = -1;
                if (status == DepacketizeStatus.NeedMore)
                {
                    LastDropReason = reason;
                    status = DepacketizeStatus.Dropped;
                }
            }
        }

        // When this call already handed out the previous frame, this packet's marker cannot complete
        // another one; its frame then ends on the next timestamp change, one packet later.
        if (!packet.Marker || !_markerTrusted || status == DepacketizeStatus.AccessUnit)
        {
            return status;
        }

        var previousReason = LastDropReason;
        var finished = Finish(out unit);
        _lastEndedOnMarker = true;
        if (finished == DepacketizeStatus.AccessUnit || status == DepacketizeStatus.NeedMore)
        {
            return finished;
        }

        LastDropReason = previousReason;
        return status;
    }

    /// <summary>
    /// Whether the first NAL unit in a payload can begin an access unit (H.264 7.4.1.2.3): any non-VCL unit
    /// that may precede the first slice, or a slice whose first_mb_in_slice, the first ue(v) of its header, is 0.
    /// </summary>
    private static bool StartsAccessUnit(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 2)
        {
            return true; // malformed; AddPayload reports it
        }

        var type = NalUnit.TypeOf(payload[0]);
        var body = payload[1..];
        if (type == NalUnitType.StapA)
        {
            if (payload.Length < 4)
            {
                return true;
            }

            type = NalUnit.TypeOf(payload[3]);
            body = payload[4..];
        }
        else if (type == NalUnitType.FuA)
        {
            if ((payload[1] & 0x80) == 0)
            {
                return false;
            }

            type = NalUnit.TypeOf(payload[1]);
            body = payload[2..];
        }

        if (type is NalUnitType.SliceDataB or NalUnitType.SliceDataC)
        {
            return false;
        }

        // ue(v) 0 is the single bit 1.
        return !NalUnit.IsVcl(type) || (!body.IsEmpty && (body[0] & 0x80) != 0);
    }

    private DropReason AddPayload(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return DropReason.Malformed;
        }

        var type = NalUnit.TypeOf(payload[0]);
        switch (type)
        {
            case >= NalUnitType.NonIdrSlice and <= (NalUnitType)23:
                if (_fuStart >= 0)
                {
                    return DropReason.Malformed;
                }

                return AddNal(payload);

            case NalUnitType.StapA:
                if (_fuStart >= 0)
                {
                    return DropReason.Malformed;
                }

                var rest = payload[1..];
                while (!rest.IsEmpty)
                {
                    if (rest.Length < 2)
                    {
                        return DropReason.Malformed;
                    }

                    var size = BinaryPrimitives.ReadUInt16BigEndian(rest);
                    if (size == 0 || size > rest.Length - 2)
                    {
                        return DropReason.Malformed;
                    }

                    var reason = AddNal(rest.Slice(2, size));
                    if (reason != DropReason.None)
                    {
                        return reason;
                    }

                    rest = rest[(2 + size)..];
                }

                return DropReason.None;

            case NalUnitType.FuA:
                return AddFragment(payload);

            default:
                return DropReason.UnsupportedPacketType;
        }
    }

    private DropReason AddFragment(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 3)
        {
            return DropReason.Malformed;
        }

        var fuHeader = payload[1];
        var start = (fuHeader & 0x80) != 0;
        var end = (fuHeader & 0x40) != 0;
        var data = payload[2..];
        if (start)
        {
            if (_fuStart >= 0)
            {
                return DropReason.Malformed;
            }

            var header = (byte)((payload[0] & 0xE0) | (fuHeader & 0x1F));
            if (!Reserve(4 + 1 + data.Length, newNal: true, out var reason))
            {
                return reason;
            }

            _fuStart = _length;
            _length += 4;
            _unit[_length++] = header;
        }
        else
        {
            if (_fuStart < 0)
            {
                return DropReason.FragmentWithoutStart;
            }

            if (!Reserve(data.Length, newNal: false, out var reason))
            {
                return reason;
            }
        }

        data.CopyTo(_unit.AsSpan(_length));
        _length += data.Length;
        if (end)
        {
            var nalStart = _fuStart + 4;
            var nalLength = _length - nalStart;
            _fuStart = -1;
            var nal = _unit.AsSpan(nalStart, nalLength);
            if (Classify(nal))
            {
                BinaryPrimitives.WriteUInt32BigEndian(_unit.AsSpan(nalStart - 4), (uint)nalLength);
            }
            else
            {
                _length = nalStart - 4;
                _nalCount--;
            }
        }

        return DropReason.None;
    }

    private DropReason AddNal(ReadOnlySpan<byte> nal)
    {
        if (!Classify(nal))
        {
            return DropReason.None;
        }

        if (!Reserve(4 + nal.Length, newNal: true, out var reason))
        {
            return reason;
        }

        BinaryPrimitives.WriteUInt32BigEndian(_unit.AsSpan(_length), (uint)nal.Length);
        nal.CopyTo(_unit.AsSpan(_length + 4));
        _length += 4 + nal.Length;
        return DropReason.None;
    }

    /// <summary>Notes parameter sets and IDR slices; says whether the NAL belongs in the sample.</summary>
    private bool Classify(ReadOnlySpan<byte> nal)
    {
        switch (NalUnit.TypeOf(nal[0]))
        {
            case NalUnitType.Sps or NalUnitType.Pps:
                _parameterSets.Offer(nal);
                return false;
            case NalUnitType.AccessUnitDelimiter or NalUnitType.FillerData or NalUnitType.Unspecified:
                return false;
            case NalUnitType.IdrSlice:
                _unitHasIdr = true;
                return true;
            default:
                return true;
        }
    }

    private bool Reserve(int bytes, bool newNal, out DropReason reason)
    {
        if (newNal && ++_nalCount > _options.MaxNalUnitsPerAccessUnit)
        {
            reason = DropReason.TooManyNalUnits;
            return false;
        }

        var needed = _length + bytes;
        if (needed > _options.MaxAccessUnitBytes)
        {
            reason = DropReason.AccessUnitTooLarge;
            return false;
        }

        if (needed > _unit.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(needed, _unit.Length * 2), _options.MaxAccessUnitBytes));
            _unit.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_unit);
            _unit = bigger;
        }

        reason = DropReason.None;
        return true;
    }

    private DepacketizeStatus Finish(out AccessUnit unit)
    {
        unit = default;
        var timestamp = _unitTimestamp;
        _lastEmittedTimestamp = timestamp;
        var hasIdr = _unitHasIdr;
        var broken = _unitBroken || _fuStart >= 0;
        var empty = _length == 0;
        if (_parameterSets.Refresh())
        {
            _configChangePending = true;
            ConfigureDecodeTimes();
        }

        if (broken || empty)
        {
            ResetUnit();
            if (broken)
            {
                _waitForKeyframe = true;
                return Drop(DropReason.Malformed);
            }

            return DepacketizeStatus.NeedMore;
        }

        if (_parameterSets.Config is null)
        {
            ResetUnit();
            return Drop(DropReason.NoParameterSets);
        }

        if (_waitForKeyframe && !hasIdr)
        {
            ResetUnit();
            return Drop(DropReason.WaitingForKeyframe);
        }

        _waitForKeyframe = false;
        var unwrapped = _unwrapper.Unwrap(timestamp);
        unit = new AccessUnit(_unit, _length, unwrapped, _decodeTimes.Next(unwrapped), hasIdr, _configChangePending);
        _configChangePending = false;
        _unit = ArrayPool<byte>.Shared.Rent(Math.Max(_options.InitialBufferBytes, _length));
        ResetUnit();
        return DepacketizeStatus.AccessUnit;
    }

    /// <summary>The reorder depth the SPS declares, used by the decode-time estimate; see <see cref="DecodeTimeEstimator"/>.</summary>
    public int ReorderDepth => _decodeTimes.ReorderDepth;

    private void ConfigureDecodeTimes() =>
        _decodeTimes.Configure(_parameterSets.ReorderDepth, _parameterSets.Config!.DefaultDuration);

    private DepacketizeStatus Drop(DropReason reason)
    {
        DroppedUnits++;
        LastDropReason = reason;
        return DepacketizeStatus.Dropped;
    }

    private void ResetUnit()
    {
        _length = 0;
        _nalCount = 0;
        _unitHasIdr = false;
        _unitBroken = false;
        _unitStarted = false;
        _fuStart = -1;
    }

    public void Dispose()
    {
        if (_unit.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_unit);
            _unit = [];
        }
    }
}

public sealed record H264DepacketizerOptions
{
    /// <summary>A 4K intra frame at high quality is about 2 MB; anything far beyond is a broken stream.</summary>
    public int MaxAccessUnitBytes { get; init; } = 8 * 1024 * 1024;

    public int MaxNalUnitsPerAccessUnit { get; init; } = 1024;

    public int InitialBufferBytes { get; init; } = 64 * 1024;

    /// <summary>Add VUI bitstream_restriction to the avcC's SPS when the reorder depth is known to be 0 (see <see cref="H264ParameterSets"/>).</summary>
    public bool AddBitstreamRestriction { get; init; } = true;
}
