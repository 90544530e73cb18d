using System.Buffers;
using System.Buffers.Binary;
using LiveMux.Media.Mp4;

namespace LiveMux.Media.Rtp;

/// <summary>
/// What H.264 (RFC 6184) and H.265 (RFC 7798) depacketizers share: packets carry NAL units whole, several
/// to a packet, or in fragments; the codec subclass says which (<see cref="AddPayload"/>), this class
/// assembles them into one access unit per frame in MP4 sample form.
/// <code>
/// packets --seq check--> [ NAL | NAL | FU start .. FU end ] --marker or new timestamp--> [len32 NAL][len32 NAL]...
/// </code>
/// A frame ends on the marker bit or, for cameras that do not set it, when the timestamp changes. After
/// any loss the decoder would show corrupt pictures, so everything up to the next keyframe is dropped.
/// Parameter sets go to the sample entry instead of the samples.
/// </summary>
public abstract class NalDepacketizer : IDepacketizer
{
    private readonly NalDepacketizerOptions _options;
    private byte[] _unit;
    private int _length;
    private int _nalCount;
    private bool _unitHasKeyframe;
    private bool _unitUndecodable;
    private bool _unitBroken;
    private bool _unitStarted;
    private uint _unitTimestamp;
    private int _fuStart = -1;

    private SequenceCheck _sequence;
    private bool _waitForKeyframe = true;
    private bool _markerTrusted = true;
    private bool _lastEndedOnMarker;
    private uint _lastEmittedTimestamp;
    private TimestampUnwrapper _unwrapper;

    private bool _configChangePending = true;
    private readonly DecodeTimeEstimator _decodeTimes = new();

    private protected NalDepacketizer(NalDepacketizerOptions options)
    {
        _options = options;
        _unit = ArrayPool<byte>.Shared.Rent(_options.InitialBufferBytes);
    }

    public DropReason LastDropReason { get; private set; }

    public abstract TrackConfig? Config { get; }

    /// <summary>The reorder depth used for decode times: declared by the SPS or learnt; see <see cref="DecodeTimeEstimator"/>.</summary>
    public int ReorderDepth => _decodeTimes.ReorderDepth;

    /// <summary>Access units and packets dropped since creation, for counters.</summary>
    public long DroppedUnits { get; private set; }

    public DepacketizeStatus Push(in RtpPacket packet, out AccessUnit unit)
    {
        unit = default;
        LastDropReason = DropReason.None;
        var status = DepacketizeStatus.NeedMore;
        var breakNewUnit = false;

        var step = _sequence.Next(packet.SequenceNumber);
        if (step == SequenceStep.Late)
        {
            // A duplicate, or a packet the reorder stage gave up on: its frame is already out.
            return Drop(DropReason.LatePacket);
        }

        if (step == SequenceStep.Gap)
        {
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

    /// <summary>Whether the first NAL unit in a payload can begin an access unit; false when it surely continues one.</summary>
    private protected abstract bool StartsAccessUnit(ReadOnlySpan<byte> payload);

    /// <summary>Splits one packet's payload into NAL units and fragments, through <see cref="AddNal"/> and <see cref="AddFragment"/>.</summary>
    private protected abstract DropReason AddPayload(ReadOnlySpan<byte> payload);

    /// <summary>Notes parameter sets and keyframe slices; says whether and how the NAL unit belongs in the sample.</summary>
    private protected abstract NalDisposition Classify(ReadOnlySpan<byte> nal);

    /// <summary>Rebuilds the track configuration if a parameter set changed; true when <see cref="Config"/> is new.</summary>
    private protected abstract bool RefreshConfig();

    /// <summary>The reorder depth the current parameter sets declare, or null when they don't say.</summary>
    private protected abstract int? DeclaredReorderDepth { get; }

    /// <summary>For subclasses that set parameter sets from SDP in their constructor.</summary>
    private protected void ConfigureDecodeTimes()
    {
        if (Config is { } config)
        {
            _decodeTimes.Configure(DeclaredReorderDepth, config.DefaultDuration);
        }
    }

    /// <summary>Output waits for a keyframe: at the start and after a loss.</summary>
    private protected bool WaitingForKeyframe => _waitForKeyframe;

    /// <summary>A fragmented NAL unit is open: only its next fragment may follow.</summary>
    private protected bool InFragment => _fuStart >= 0;

    /// <summary>
    /// Adds one fragment of a NAL unit. The first carries the reconstructed NAL header in
    /// <paramref name="header"/>; the NAL unit is classified once its last fragment is in.
    /// </summary>
    private protected DropReason AddFragment(ReadOnlySpan<byte> header, bool start, bool end, ReadOnlySpan<byte> data)
    {
        if (start)
        {
            if (_fuStart >= 0)
            {
                return DropReason.Malformed;
            }

            if (!Reserve(4 + header.Length + data.Length, newNal: true, out var reason))
            {
                return reason;
            }

            _fuStart = _length;
            _length += 4;
            header.CopyTo(_unit.AsSpan(_length));
            _length += header.Length;
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
            if (Note(Classify(nal)))
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

    /// <summary>
    /// Adds the NAL units of an aggregation packet body (RFC 6184 STAP-A, RFC 7798 AP without DONL), each
    /// preceded by its 16-bit size; a size shorter than a NAL header or past the end is malformed.
    /// </summary>
    private protected DropReason AddAggregated(ReadOnlySpan<byte> units, int minNalBytes)
    {
        if (InFragment)
        {
            return DropReason.Malformed;
        }

        while (!units.IsEmpty)
        {
            if (units.Length < 2)
            {
                return DropReason.Malformed;
            }

            var size = BinaryPrimitives.ReadUInt16BigEndian(units);
            if (size < minNalBytes || size > units.Length - 2)
            {
                return DropReason.Malformed;
            }

            var reason = AddNal(units.Slice(2, size));
            if (reason != DropReason.None)
            {
                return reason;
            }

            units = units[(2 + size)..];
        }

        return DropReason.None;
    }

    /// <summary>Adds one whole NAL unit, header first, unless <see cref="Classify"/> keeps it out of the sample.</summary>
    private protected DropReason AddNal(ReadOnlySpan<byte> nal)
    {
        if (!Note(Classify(nal)))
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

    /// <summary>
    /// Where a NAL unit goes: out of the sample (parameter sets, delimiters, filler), in, in as a keyframe
    /// slice, or nowhere with its whole access unit, which needs pictures from before the keyframe output
    /// started at (H.265 RASL pictures).
    /// </summary>
    private protected enum NalDisposition
    {
        Skip,
        Sample,
        Keyframe,
        Undecodable,
    }

    private bool Note(NalDisposition disposition)
    {
        _unitHasKeyframe |= disposition == NalDisposition.Keyframe;
        _unitUndecodable |= disposition == NalDisposition.Undecodable;
        return disposition is NalDisposition.Sample or NalDisposition.Keyframe;
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
        var hasKeyframe = _unitHasKeyframe;
        var broken = _unitBroken || _fuStart >= 0;
        var empty = _length == 0;
        if (RefreshConfig())
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

        if (Config is null)
        {
            ResetUnit();
            return Drop(DropReason.NoParameterSets);
        }

        if ((_waitForKeyframe && !hasKeyframe) || _unitUndecodable)
        {
            ResetUnit();
            return Drop(DropReason.WaitingForKeyframe);
        }

        if (_waitForKeyframe)
        {
            // Resuming at a keyframe after a loss: nothing before it is reordered past it, and estimating
            // across the hole would ramp decode times over it instead of letting the hub see the gap.
            _decodeTimes.Reset();
        }

        _waitForKeyframe = false;
        var unwrapped = _unwrapper.Unwrap(timestamp);
        unit = new AccessUnit(_unit, _length, unwrapped, _decodeTimes.Next(unwrapped), hasKeyframe, _configChangePending);
        _configChangePending = false;
        _unit = ArrayPool<byte>.Shared.Rent(Math.Max(_options.InitialBufferBytes, _length));
        ResetUnit();
        return DepacketizeStatus.AccessUnit;
    }

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
        _unitHasKeyframe = false;
        _unitUndecodable = false;
        _unitBroken = false;
        _unitStarted = false;
        _fuStart = -1;
    }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        if (_unit.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_unit);
            _unit = [];
        }
    }
}

public record NalDepacketizerOptions
{
    /// <summary>A 4K intra frame at high quality is about 2 MB; anything far beyond is a broken stream.</summary>
    public int MaxAccessUnitBytes { get; init; } = 8 * 1024 * 1024;

    public int MaxNalUnitsPerAccessUnit { get; init; } = 1024;

    public int InitialBufferBytes { get; init; } = 64 * 1024;
}
