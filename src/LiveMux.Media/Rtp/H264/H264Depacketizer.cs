using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Mp4;

namespace LiveMux.Media.Rtp.H264;

/// <summary>
/// RFC 6184 depacketizer (packetization modes 0 and 1): single NAL unit packets, STAP-A (5.7.1) and FU-A (5.8).
/// <code>
/// single:  [F|NRI|type 1-23][NAL payload...]
/// STAP-A:  [F|NRI|24] { [size16][NAL] } ...
/// FU-A:    [F|NRI|28] [S|E|R|type] [fragment...]     NAL header = F|NRI of indicator + type of FU header
/// </code>
/// Output is one access unit per frame in AVCC form (4-byte lengths); frame assembly, loss handling and
/// limits are <see cref="NalDepacketizer"/>'s. AUD and filler NAL units are dropped; SPS and PPS go to the
/// sample entry instead of the samples; a frame with an IDR slice is a keyframe.
/// </summary>
public sealed class H264Depacketizer : NalDepacketizer
{
    private readonly H264ParameterSets _parameterSets;

    public H264Depacketizer(H264DepacketizerOptions? options = null, ReadOnlySpan<byte> sps = default, ReadOnlySpan<byte> pps = default)
        : base(options ?? new H264DepacketizerOptions())
    {
        // The camera's own SPS: browsers get bitstream_restriction added by the MSE egress (H264ParameterSets.ForBrowsers).
        _parameterSets = new H264ParameterSets(addBitstreamRestriction: false);
        if (!sps.IsEmpty && !pps.IsEmpty)
        {
            _parameterSets.Offer(sps);
            _parameterSets.Offer(pps);
            _parameterSets.Refresh();
            ConfigureDecodeTimes();
        }
    }

    public override TrackConfig? Config => _parameterSets.Config;

    /// <summary>
    /// Whether the first NAL unit in a payload can begin an access unit (H.264 7.4.1.2.3): any non-VCL unit
    /// that may precede the first slice, or a slice whose first_mb_in_slice, the first ue(v) of its header, is 0.
    /// </summary>
    private protected override bool StartsAccessUnit(ReadOnlySpan<byte> payload)
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

    private protected override DropReason AddPayload(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return DropReason.Malformed;
        }

        var type = NalUnit.TypeOf(payload[0]);
        switch (type)
        {
            case >= NalUnitType.NonIdrSlice and <= (NalUnitType)23:
                if (InFragment)
                {
                    return DropReason.Malformed;
                }

                return AddNal(payload);

            case NalUnitType.StapA:
                return AddAggregated(payload[1..], minNalBytes: 1);

            case NalUnitType.FuA:
                return AddFuA(payload);

            default:
                return DropReason.UnsupportedPacketType;
        }
    }

    private DropReason AddFuA(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 3)
        {
            return DropReason.Malformed;
        }

        var fuHeader = payload[1];
        ReadOnlySpan<byte> header = [(byte)((payload[0] & 0xE0) | (fuHeader & 0x1F))];
        return AddFragment(header, start: (fuHeader & 0x80) != 0, end: (fuHeader & 0x40) != 0, payload[2..]);
    }

    private protected override NalDisposition Classify(ReadOnlySpan<byte> nal)
    {
        switch (NalUnit.TypeOf(nal[0]))
        {
            case NalUnitType.Sps or NalUnitType.Pps:
                _parameterSets.Offer(nal);
                return NalDisposition.Skip;
            case NalUnitType.AccessUnitDelimiter or NalUnitType.FillerData or NalUnitType.Unspecified:
                return NalDisposition.Skip;
            case NalUnitType.IdrSlice:
                return NalDisposition.Keyframe;
            default:
                return NalDisposition.Sample;
        }
    }

    private protected override bool RefreshConfig() => _parameterSets.Refresh();

    private protected override int? DeclaredReorderDepth => _parameterSets.ReorderDepth;
}

/// <summary>Limits of an H.264 depacketizer; see <see cref="NalDepacketizerOptions"/>.</summary>
public sealed record H264DepacketizerOptions : NalDepacketizerOptions;
