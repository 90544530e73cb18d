using LiveMux.Media.Codecs.H264;

namespace LiveMux.Media.Rtp.H264;

/// <summary>
/// RFC 6184 packetizer, packetization-mode=1 (non-interleaved): single NAL unit packets (5.6), STAP-A (5.7.1)
/// and FU-A (5.8), the marker on the access unit's last packet (5.1).
/// <code>
///  STAP-A:  | F|NRI|24 | size16 | NAL | size16 | NAL ...     F = any F, NRI = the highest NRI (5.7)
///  FU-A:    | F|NRI|28 | S|E|R|type | fragment ...           type and F|NRI of the fragmented NAL unit
/// </code>
/// </summary>
public sealed class H264Packetizer : NalPacketizer
{
    private const byte StapAType = 24;
    private const byte FuAType = 28;

    private byte _aggregateF;
    private byte _aggregateNri;

    /// <param name="parameterSets">SPS and PPS sent in front of each keyframe that lacks them.</param>
    public H264Packetizer(RtpPacketizerOptions options, byte[][] parameterSets)
        : base(options, parameterSets)
    {
    }

    protected override int NalHeaderSize => 1;

    protected override bool IsKeyframe(ReadOnlySpan<byte> nal) => NalUnit.TypeOf(nal[0]) == NalUnitType.IdrSlice;

    protected override bool IsParameterSet(ReadOnlySpan<byte> nal) => NalUnit.TypeOf(nal[0]) is NalUnitType.Sps or NalUnitType.Pps;

    protected override void BeginAggregate(ReadOnlySpan<byte> nal)
    {
        _aggregateF = 0;
        _aggregateNri = 0;
        AddToAggregate(nal);
    }

    protected override void AddToAggregate(ReadOnlySpan<byte> nal)
    {
        _aggregateF |= (byte)(nal[0] & 0x80);
        _aggregateNri = Math.Max(_aggregateNri, (byte)(nal[0] & 0x60));
    }

    protected override void WriteAggregateHeader(Span<byte> destination) =>
        destination[0] = (byte)(_aggregateF | _aggregateNri | StapAType);

    protected override int WriteFragmentHeader(ReadOnlySpan<byte> nalHeader, bool start, bool end, Span<byte> destination)
    {
        destination[0] = (byte)((nalHeader[0] & 0xE0) | FuAType);
        destination[1] = (byte)((start ? 0x80 : 0) | (end ? 0x40 : 0) | (nalHeader[0] & 0x1F));
        return 2;
    }
}
