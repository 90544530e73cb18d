using System.Buffers.Binary;

namespace LiveMux.Media.Rtp;

/// <summary>
/// What the H.264 (RFC 6184, packetization-mode=1) and H.265 (RFC 7798, no DONL) packetizers share. An access
/// unit comes as the depacketizers hand it out: NAL units with 4-byte big-endian length prefixes. Each NAL unit
/// goes, in order, into one of:
/// <code>
///   single NAL unit packet   | NAL unit |                                      when it fits alone
///   aggregation packet       | agg. header | size16 | NAL | size16 | NAL ...  consecutive small ones
///   fragmentation units      | FU indicator(s) | FU header S|E|type | part    one that does not fit
/// </code>
/// The marker bit is set on the last packet of the access unit (RFC 6184 5.1, RFC 7798 4.1). A keyframe that
/// does not carry its parameter sets gets the format's in front, so a client may join at any keyframe.
/// </summary>
public abstract class NalPacketizer : RtpPacketizer
{
    private const int SizeFieldLength = 2;

    private readonly byte[][] _parameterSets;
    private int _groupCount;
    private int _groupLength;

    protected NalPacketizer(RtpPacketizerOptions options, byte[][] parameterSets)
        : base(options)
    {
        _parameterSets = parameterSets;
    }

    /// <summary>Bytes of a NAL unit header: 1 for H.264, 2 for H.265.</summary>
    protected abstract int NalHeaderSize { get; }

    protected abstract bool IsKeyframe(ReadOnlySpan<byte> nal);

    protected abstract bool IsParameterSet(ReadOnlySpan<byte> nal);

    /// <summary>Starts the header of a new aggregation packet.</summary>
    protected abstract void BeginAggregate(ReadOnlySpan<byte> nal);

    /// <summary>Folds one more NAL unit's header into the aggregation header.</summary>
    protected abstract void AddToAggregate(ReadOnlySpan<byte> nal);

    /// <summary>Writes the aggregation header (<see cref="NalHeaderSize"/> bytes).</summary>
    protected abstract void WriteAggregateHeader(Span<byte> destination);

    /// <summary>Writes the FU indicator/payload header and the FU header; returns their size.</summary>
    protected abstract int WriteFragmentHeader(ReadOnlySpan<byte> nalHeader, bool start, bool end, Span<byte> destination);

    public override PacketizeStatus Packetize<TState>(ReadOnlySpan<byte> accessUnit, long timestamp, RtpPacketSink<TState> sink, TState state)
    {
        if (accessUnit.IsEmpty)
        {
            return PacketizeStatus.EmptyAccessUnit;
        }

        bool keyframe = false, hasParameterSets = false;
        int count = 0;
        for (var rest = accessUnit; !rest.IsEmpty; count++)
        {
            if (!TryNextNal(ref rest, out var nal))
            {
                return PacketizeStatus.Malformed;
            }

            keyframe |= IsKeyframe(nal);
            hasParameterSets |= IsParameterSet(nal);
        }

        var rtpTimestamp = RtpTimestamp(timestamp);
        _groupCount = 0;
        _groupLength = 0;
        if (keyframe && !hasParameterSets)
        {
            foreach (var parameterSet in _parameterSets)
            {
                Add(parameterSet, last: false, rtpTimestamp, sink, state);
            }
        }

        var remaining = accessUnit;
        for (var i = 0; i < count; i++)
        {
            TryNextNal(ref remaining, out var nal);
            Add(nal, last: i == count - 1, rtpTimestamp, sink, state);
        }

        return PacketizeStatus.Done;
    }

    private static bool TryNextNal(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> nal)
    {
        nal = default;
        if (rest.Length < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(rest);
        if (length == 0 || length > (uint)(rest.Length - 4))
        {
            return false;
        }

        nal = rest.Slice(4, (int)length);
        rest = rest[(4 + (int)length)..];
        return true;
    }

    private void Add<TState>(ReadOnlySpan<byte> nal, bool last, uint rtpTimestamp, RtpPacketSink<TState> sink, TState state)
    {
        var payload = Payload;
        if (nal.Length < NalHeaderSize)
        {
            // Too short to carry its own header: a depacketizer never hands such a unit out.
            if (last)
            {
                Flush(marker: true, rtpTimestamp, sink, state);
            }

            return;
        }

        if (NalHeaderSize + SizeFieldLength + nal.Length > payload.Length)
        {
            Flush(marker: false, rtpTimestamp, sink, state);
            if (nal.Length <= payload.Length)
            {
                nal.CopyTo(payload);
                Send(nal.Length, last, rtpTimestamp, sink, state);
            }
            else
            {
                Fragment(nal, last, rtpTimestamp, sink, state);
            }

            return;
        }

        if (_groupCount > 0 && NalHeaderSize + _groupLength + SizeFieldLength + nal.Length > payload.Length)
        {
            Flush(marker: false, rtpTimestamp, sink, state);
        }

        if (_groupCount == 0)
        {
            BeginAggregate(nal);
        }
        else
        {
            AddToAggregate(nal);
        }

        var at = payload[(NalHeaderSize + _groupLength)..];
        BinaryPrimitives.WriteUInt16BigEndian(at, (ushort)nal.Length);
        nal.CopyTo(at[SizeFieldLength..]);
        _groupLength += SizeFieldLength + nal.Length;
        _groupCount++;
        if (last)
        {
            Flush(marker: true, rtpTimestamp, sink, state);
        }
    }

    private void Flush<TState>(bool marker, uint rtpTimestamp, RtpPacketSink<TState> sink, TState state)
    {
        var payload = Payload;
        if (_groupCount == 1)
        {
            // Alone, it goes as a single NAL unit packet: drop the aggregation header and the size field.
            var length = _groupLength - SizeFieldLength;
            payload.Slice(NalHeaderSize + SizeFieldLength, length).CopyTo(payload);
            Send(length, marker, rtpTimestamp, sink, state);
        }
        else if (_groupCount > 1)
        {
            WriteAggregateHeader(payload);
            Send(NalHeaderSize + _groupLength, marker, rtpTimestamp, sink, state);
        }

        _groupCount = 0;
        _groupLength = 0;
    }

    private void Fragment<TState>(ReadOnlySpan<byte> nal, bool last, uint rtpTimestamp, RtpPacketSink<TState> sink, TState state)
    {
        var payload = Payload;
        var header = nal[..NalHeaderSize];
        var body = nal[NalHeaderSize..];
        var fragmentHeaderSize = NalHeaderSize + 1;
        var chunk = payload.Length - fragmentHeaderSize;
        for (var offset = 0; offset < body.Length; offset += chunk)
        {
            var length = Math.Min(chunk, body.Length - offset);
            var end = offset + length == body.Length;
            WriteFragmentHeader(header, start: offset == 0, end, payload);
            body.Slice(offset, length).CopyTo(payload[fragmentHeaderSize..]);
            Send(fragmentHeaderSize + length, last && end, rtpTimestamp, sink, state);
        }
    }
}
