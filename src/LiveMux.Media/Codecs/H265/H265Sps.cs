using System.Diagnostics.CodeAnalysis;
using LiveMux.Media.Bits;

namespace LiveMux.Media.Codecs.H265;

/// <summary>
/// The fields of an H.265 sequence parameter set (7.3.2.2.1, VUI in E.2.1) that a transmuxer needs: the
/// profile, tier and level for hvcC and the codec string, the cropped picture size, bit depths, the frame
/// rate and the reorder depth. Everything between them is read only to be skipped.
/// </summary>
public sealed record H265Sps
{
    /// <summary>SPS NAL units are a few dozen bytes; scaling lists and long RPS tables stay far below this.</summary>
    public const int MaxNalBytes = 4096;

    public required int VpsId { get; init; }
    public required int SpsId { get; init; }

    /// <summary>sps_max_sub_layers_minus1 + 1: the number of temporal layers (1-7).</summary>
    public required int MaxSubLayers { get; init; }

    public required bool TemporalIdNesting { get; init; }
    public required H265ProfileTierLevel ProfileTierLevel { get; init; }
    public required int ChromaFormatIdc { get; init; }
    public required bool SeparateColourPlane { get; init; }

    /// <summary>Displayed size: the coded size less the conformance window.</summary>
    public required int Width { get; init; }

    public required int Height { get; init; }

    /// <summary>pic_width_in_luma_samples / pic_height_in_luma_samples, before cropping.</summary>
    public required int CodedWidth { get; init; }

    public required int CodedHeight { get; init; }
    public required int BitDepthLuma { get; init; }
    public required int BitDepthChroma { get; init; }

    /// <summary>log2_max_pic_order_cnt_lsb_minus4 + 4: the width of slice_pic_order_cnt_lsb in slice headers.</summary>
    public required int Log2MaxPicOrderCntLsb { get; init; }

    /// <summary>
    /// sps_max_num_reorder_pics of the highest sub-layer: how many pictures may precede any picture in
    /// decoding order and follow it in output order. 0 means output order is decode order (no B-frame delay).
    /// </summary>
    public required int MaxNumReorderPics { get; init; }

    /// <summary>sps_max_dec_pic_buffering_minus1 + 1 of the highest sub-layer.</summary>
    public required int MaxDecPicBuffering { get; init; }

    /// <summary>sps_max_latency_increase_plus1 of the highest sub-layer; 0 means no limit is signalled.</summary>
    public required int MaxLatencyIncreasePlus1 { get; init; }

    /// <summary>Pictures per second from VUI timing info, or null when the SPS does not say.</summary>
    public double? FrameRate { get; init; }

    /// <summary>min_spatial_segmentation_idc from the VUI bitstream restriction, 0 when absent.</summary>
    public int MinSpatialSegmentationIdc { get; init; }

    /// <summary>The general profile, tier and level.</summary>
    public byte ProfileIdc => ProfileTierLevel.ProfileIdc;

    public byte LevelIdc => ProfileTierLevel.LevelIdc;

    /// <summary>RFC 6381 / ISO/IEC 14496-15 E.3 codec string for an hvc1 track.</summary>
    public string CodecString => ProfileTierLevel.CodecString();

    /// <summary>Parses an SPS NAL unit, two-byte header included.</summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, [NotNullWhen(true)] out H265Sps? sps, [NotNullWhen(false)] out string? error)
    {
        sps = null;
        if (nal.Length < 4 || H265NalUnit.TypeOf(nal[0]) != H265NalUnitType.Sps)
        {
            error = "not an SPS NAL unit";
            return false;
        }

        if (nal.Length > MaxNalBytes)
        {
            error = $"SPS of {nal.Length} bytes exceeds the {MaxNalBytes}-byte limit";
            return false;
        }

        if (H265NalUnit.LayerIdOf(nal) != 0)
        {
            // Layered (SHVC/MV-HEVC) SPS use another syntax; a base-layer decoder ignores them.
            error = "SPS of an enhancement layer (nuh_layer_id > 0)";
            return false;
        }

        Span<byte> rbsp = stackalloc byte[nal.Length];
        var length = EmulationPrevention.Remove(nal[H265NalUnit.HeaderSize..], rbsp);
        var r = new BitReader(rbsp[..length]);

        var vpsId = (int)r.ReadBits(4);
        var maxSubLayersMinus1 = (int)r.ReadBits(3);
        var temporalIdNesting = r.ReadBit();
        if (maxSubLayersMinus1 > 6)
        {
            error = "sps_max_sub_layers_minus1 out of range";
            return false;
        }

        if (!H265ProfileTierLevel.TryRead(ref r, maxSubLayersMinus1, out var ptl))
        {
            error = "SPS is truncated in profile_tier_level";
            return false;
        }

        var spsId = r.ReadUnsignedExpGolomb();
        var chromaFormatIdc = r.ReadUnsignedExpGolomb();
        if (spsId > 15 || chromaFormatIdc > 3)
        {
            error = "sps_seq_parameter_set_id or chroma_format_idc out of range";
            return false;
        }

        var separateColourPlane = chromaFormatIdc == 3 && r.ReadBit();
        var codedWidth = r.ReadUnsignedExpGolomb();
        var codedHeight = r.ReadUnsignedExpGolomb();
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (r.ReadBit())
        {
            cropLeft = r.ReadUnsignedExpGolomb();
            cropRight = r.ReadUnsignedExpGolomb();
            cropTop = r.ReadUnsignedExpGolomb();
            cropBottom = r.ReadUnsignedExpGolomb();
        }

        var bitDepthLuma = r.ReadUnsignedExpGolomb() + 8;
        var bitDepthChroma = r.ReadUnsignedExpGolomb() + 8;
        var log2MaxPocLsb = r.ReadUnsignedExpGolomb() + 4;
        if (r.Overrun || codedWidth is 0 or > MaxDimension || codedHeight is 0 or > MaxDimension)
        {
            error = "SPS is truncated or its picture size is out of range";
            return false;
        }

        if (bitDepthLuma > 16 || bitDepthChroma > 16 || log2MaxPocLsb > 16)
        {
            error = "bit depth or log2_max_pic_order_cnt_lsb out of range";
            return false;
        }

        // Table 6-1: offsets count in chroma samples; ChromaArrayType 0 (monochrome, separate planes) in luma.
        var chromaArrayType = separateColourPlane ? 0u : chromaFormatIdc;
        var subWidthC = chromaArrayType is 1 or 2 ? 2u : 1u;
        var subHeightC = chromaArrayType == 1 ? 2u : 1u;
        var width = (long)codedWidth - (subWidthC * ((long)cropLeft + cropRight));
        var height = (long)codedHeight - (subHeightC * ((long)cropTop + cropBottom));
        if (width <= 0 || height <= 0)
        {
            error = "SPS conformance window leaves no picture";
            return false;
        }

        // With the ordering info absent, the one entry sent applies to every sub-layer (7.4.3.2.1); either way
        // the last entry read is the highest sub-layer's.
        var orderingInfoForEach = r.ReadBit();
        uint maxDecPicBufferingMinus1 = 0, maxNumReorder = 0, maxLatencyIncreasePlus1 = 0;
        for (var i = orderingInfoForEach ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++)
        {
            maxDecPicBufferingMinus1 = r.ReadUnsignedExpGolomb();
            maxNumReorder = r.ReadUnsignedExpGolomb();
            maxLatencyIncreasePlus1 = r.ReadUnsignedExpGolomb();
        }

        if (r.Overrun || maxDecPicBufferingMinus1 > 15 || maxNumReorder > maxDecPicBufferingMinus1)
        {
            error = "SPS sub-layer ordering info is truncated or out of range";
            return false;
        }

        if (!H265SpsTail.TrySkipToVui(ref r, (int)log2MaxPocLsb, out var tailError))
        {
            error = tailError;
            return false;
        }

        var vui = r.ReadBit() ? H265SpsTail.ReadVui(ref r) : default;

        sps = new H265Sps
        {
            VpsId = vpsId,
            SpsId = (int)spsId,
            MaxSubLayers = maxSubLayersMinus1 + 1,
            TemporalIdNesting = temporalIdNesting,
            ProfileTierLevel = ptl!,
            ChromaFormatIdc = (int)chromaFormatIdc,
            SeparateColourPlane = separateColourPlane,
            Width = (int)width,
            Height = (int)height,
            CodedWidth = (int)codedWidth,
            CodedHeight = (int)codedHeight,
            BitDepthLuma = (int)bitDepthLuma,
            BitDepthChroma = (int)bitDepthChroma,
            Log2MaxPicOrderCntLsb = (int)log2MaxPocLsb,
            MaxNumReorderPics = (int)maxNumReorder,
            MaxDecPicBuffering = (int)maxDecPicBufferingMinus1 + 1,
            MaxLatencyIncreasePlus1 = (int)Math.Min(maxLatencyIncreasePlus1, int.MaxValue),
            FrameRate = vui.FrameRate,
            MinSpatialSegmentationIdc = vui.MinSpatialSegmentationIdc,
        };
        error = null;
        return true;
    }

    /// <summary>Level 6.2 allows 8444 x 4222 and 16888 wide at most; more is a corrupt SPS.</summary>
    private const uint MaxDimension = 16888;
}
