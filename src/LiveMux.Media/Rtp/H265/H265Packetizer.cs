using LiveMux.Media.Codecs.H265;

namespace LiveMux.Media.Rtp.H265;

/// <summary>
/// RFC 7798 packetizer without DONL (sprop-max-don-diff=0): single NAL unit packets (4.4.1), aggregation
/// packets (4.4.2) and fragmentation units (4.4.3), the marker on the access unit's last packet (4.1).
/// <code>
///  PayloadHdr:  |F|   Type    |  LayerId  | TID |     the two-byte NAL unit header (1.1.4)
///  AP:  | F|48|LayerId|TID | size16 | NAL | size16 | NAL ...   F = any F; LayerId, TID = the lowest (4.4.2)
///  FU:  | F|49|LayerId|TID | S|E|FuType(6) | fragment ...     header fields of the fragmented NAL unit
/// </code>
/// </summary>
public sealed class H265Packetizer : NalPacketizer
{
    private int _aggregateF;
    private int _aggregateLayerId;
    private int _aggregateTid;

    /// <param name="parameterSets">VPS, SPS and PPS sent in front of each IRAP access unit that lacks them.</param>
    public H265Packetizer(RtpPacketizerOptions options, byte[][] parameterSets)
        : base(options, parameterSets)
    {
    }

    protected override int NalHeaderSize => H265NalUnit.HeaderSize;

    protected override bool IsKeyframe(ReadOnlySpan<byte> nal) => H265NalUnit.IsIrap(H265NalUnit.TypeOf(nal[0]));

    protected override bool IsParameterSet(ReadOnlySpan<byte> nal) => H265NalUnit.IsParameterSet(H265NalUnit.TypeOf(nal[0]));

    protected override void BeginAggregate(ReadOnlySpan<byte> nal)
    {
        _aggregateF = nal[0] & 0x80;
        _aggregateLayerId = H265NalUnit.LayerIdOf(nal);
        _aggregateTid = H265NalUnit.TemporalIdPlus1Of(nal);
    }

    protected override void AddToAggregate(ReadOnlySpan<byte> nal)
    {
        _aggregateF |= nal[0] & 0x80;
        _aggregateLayerId = Math.Min(_aggregateLayerId, H265NalUnit.LayerIdOf(nal));
        _aggregateTid = Math.Min(_aggregateTid, H265NalUnit.TemporalIdPlus1Of(nal));
    }

    protected override void WriteAggregateHeader(Span<byte> destination)
    {
        H265NalUnit.WriteHeader(destination, H265NalUnitType.AggregationPacket, _aggregateLayerId, _aggregateTid);
        destination[0] |= (byte)_aggregateF;
    }

    protected override int WriteFragmentHeader(ReadOnlySpan<byte> nalHeader, bool start, bool end, Span<byte> destination)
    {
        destination[0] = (byte)((nalHeader[0] & 0x81) | ((int)H265NalUnitType.FragmentationUnit << 1));
        destination[1] = nalHeader[1];
        destination[2] = (byte)((start ? 0x80 : 0) | (end ? 0x40 : 0) | (int)H265NalUnit.TypeOf(nalHeader[0]));
        return 3;
    }
}
