using LiveMux.Media.Codecs.H265;
using LiveMux.Media.Mp4;

namespace LiveMux.Media.Rtp.H265;

/// <summary>
/// RFC 7798 depacketizer without decoding order numbers (sprop-max-don-diff 0, the only mode cameras use):
/// single NAL unit packets (4.4.1), aggregation packets (4.4.2) and fragmentation units (4.4.3).
/// <code>
/// single:  [F|type 0-47|LayerId|TID][NAL payload...]             the payload header is the NAL header
/// AP:      [F|48|LayerId|TID] { [size16][NAL] } ...
/// FU:      [F|49|LayerId|TID] [S|E|FuType(6)] [fragment...]    NAL header = payload header with type FuType
/// </code>
/// Output is one access unit per picture with 4-byte lengths; frame assembly, loss handling and limits are
/// <see cref="NalDepacketizer"/>'s. AUD and filler data are dropped; VPS, SPS and PPS go to the hvcC instead
/// of the samples; a picture with an IRAP slice (BLA, IDR, CRA) is a keyframe. When output starts at a CRA,
/// the RASL pictures that lean on pictures before it cannot be decoded and are dropped as
/// <see cref="DropReason.WaitingForKeyframe"/> (H.265 8.1.3, 8.3.1).
/// </summary>
public sealed class H265Depacketizer : NalDepacketizer
{
    private readonly H265ParameterSets _parameterSets = new();
    private bool _skipRasl;

    public H265Depacketizer(
        NalDepacketizerOptions? options = null,
        ReadOnlySpan<byte> vps = default,
        ReadOnlySpan<byte> sps = default,
        ReadOnlySpan<byte> pps = default)
        : base(options ?? new NalDepacketizerOptions())
    {
        if (!vps.IsEmpty && !sps.IsEmpty && !pps.IsEmpty)
        {
            _parameterSets.Offer(vps);
            _parameterSets.Offer(sps);
            _parameterSets.Offer(pps);
            _parameterSets.Refresh();
            ConfigureDecodeTimes();
        }
    }

    public override TrackConfig? Config => _parameterSets.Config;

    /// <summary>The SPS behind <see cref="Config"/>: reorder depth (<see cref="H265Sps.MaxNumReorderPics"/>) and POC width.</summary>
    public H265Sps? Sps => _parameterSets.Sps;

    /// <summary>
    /// Whether the first NAL unit in a payload can begin an access unit (H.265 7.4.2.4.4): a VPS, SPS, PPS,
    /// AUD or prefix SEI, or a slice segment with first_slice_segment_in_pic_flag, the first bit after the header.
    /// </summary>
    private protected override bool StartsAccessUnit(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 3)
        {
            return true; // malformed; AddPayload reports it
        }

        var type = H265NalUnit.TypeOf(payload[0]);
        var body = payload[2..];
        if (type == H265NalUnitType.AggregationPacket)
        {
            if (payload.Length < 7)
            {
                return true;
            }

            type = H265NalUnit.TypeOf(payload[4]);
            body = payload[6..];
        }
        else if (type == H265NalUnitType.FragmentationUnit)
        {
            if ((payload[2] & 0x80) == 0)
            {
                return false;
            }

            type = (H265NalUnitType)(payload[2] & 0x3F);
            body = payload[3..];
        }

        if (H265NalUnit.IsVcl(type))
        {
            return !body.IsEmpty && (body[0] & 0x80) != 0;
        }

        return type is (>= H265NalUnitType.Vps and <= H265NalUnitType.AccessUnitDelimiter) or H265NalUnitType.PrefixSei
            or (>= (H265NalUnitType)41 and <= (H265NalUnitType)44);
    }

    private protected override DropReason AddPayload(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < H265NalUnit.HeaderSize + 1)
        {
            return DropReason.Malformed;
        }

        switch (H265NalUnit.TypeOf(payload[0]))
        {
            case < H265NalUnitType.AggregationPacket:
                return InFragment ? DropReason.Malformed : AddNal(payload);

            case H265NalUnitType.AggregationPacket:
                return AddAggregated(payload[H265NalUnit.HeaderSize..], minNalBytes: H265NalUnit.HeaderSize);

            case H265NalUnitType.FragmentationUnit:
                if (payload.Length < 4)
                {
                    return DropReason.Malformed;
                }

                var fuHeader = payload[2];
                var fuType = (H265NalUnitType)(fuHeader & 0x3F);
                if (fuType is H265NalUnitType.AggregationPacket or H265NalUnitType.FragmentationUnit)
                {
                    return DropReason.Malformed;
                }

                ReadOnlySpan<byte> header = [(byte)((payload[0] & 0x81) | ((byte)fuType << 1)), payload[1]];
                return AddFragment(header, start: (fuHeader & 0x80) != 0, end: (fuHeader & 0x40) != 0, payload[3..]);

            default:
                // PACI (50) and the unspecified types 51-63.
                return DropReason.UnsupportedPacketType;
        }
    }

    private protected override NalDisposition Classify(ReadOnlySpan<byte> nal)
    {
        if (nal.Length < H265NalUnit.HeaderSize)
        {
            return NalDisposition.Skip;
        }

        var type = H265NalUnit.TypeOf(nal[0]);
        switch (type)
        {
            case H265NalUnitType.Vps or H265NalUnitType.Sps or H265NalUnitType.Pps:
                _parameterSets.Offer(nal);
                return NalDisposition.Skip;
            case H265NalUnitType.AccessUnitDelimiter or H265NalUnitType.FillerData or >= H265NalUnitType.AggregationPacket:
                return NalDisposition.Skip;
        }

        if (H265NalUnit.IsIrap(type))
        {
            _skipRasl = type == H265NalUnitType.CraNut && WaitingForKeyframe;
            return NalDisposition.Keyframe;
        }

        if (type is H265NalUnitType.RaslN or H265NalUnitType.RaslR)
        {
            return _skipRasl ? NalDisposition.Undecodable : NalDisposition.Sample;
        }

        if (H265NalUnit.IsVcl(type))
        {
            _skipRasl = false;
        }

        return NalDisposition.Sample;
    }

    private protected override bool RefreshConfig() => _parameterSets.Refresh();

    // sps_max_num_reorder_pics is mandatory in an H.265 SPS, so the depth is always declared.
    private protected override int? DeclaredReorderDepth => _parameterSets.Sps?.MaxNumReorderPics;
}
