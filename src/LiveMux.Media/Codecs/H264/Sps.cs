using System.Diagnostics.CodeAnalysis;
using LiveMux.Media.Bits;

namespace LiveMux.Media.Codecs.H264;

/// <summary>
/// The fields of an H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1 and Annex E.1.1) that a transmuxer
/// needs: picture size, the codec string, frame rate and the reorder depth.
/// </summary>
public sealed record Sps
{
    public const int MaxNalBytes = 1024;

    public required byte ProfileIdc { get; init; }
    public required byte ConstraintFlags { get; init; }
    public required byte LevelIdc { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required bool FrameMbsOnly { get; init; }
    public required int PicOrderCntType { get; init; }
    public required int ChromaFormatIdc { get; init; }
    public required int BitDepthLuma { get; init; }
    public required int BitDepthChroma { get; init; }

    /// <summary>Frames per second from VUI timing info, or null when the SPS does not say.</summary>
    public double? FrameRate { get; init; }

    /// <summary>Whether the VUI carries bitstream_restriction, which lets decoders output frames without waiting.</summary>
    public bool HasBitstreamRestriction { get; init; }

    /// <summary>max_num_reorder_frames from VUI, or null when absent.</summary>
    public int? MaxNumReorderFrames { get; init; }

    /// <summary>max_num_ref_frames: the lower bound of max_dec_frame_buffering when a rewrite adds it.</summary>
    public int MaxNumRefFrames { get; init; }

    public bool HasVui { get; init; }

    /// <summary>Bit offset in the RBSP (after the NAL header) of vui_parameters_present_flag.</summary>
    public int VuiPresentFlagBit { get; init; }

    /// <summary>Bit offset in the RBSP of bitstream_restriction_flag, or -1 when there is no complete VUI to find it in.</summary>
    public int BitstreamRestrictionFlagBit { get; init; } = -1;

    /// <summary>
    /// How many frames can precede a frame in decode order and follow it in output order, when the SPS
    /// settles it: baseline has no B slices, pic_order_cnt_type 2 makes output order decode order (8.2.1.3),
    /// and bitstream_restriction states it. Null when only the stream itself can tell.
    /// </summary>
    public int? ReorderDepth =>
        ProfileIdc == 66 || PicOrderCntType == 2 ? 0 : MaxNumReorderFrames;

    /// <summary>RFC 6381 codec string: avc1.PPCCLL from the profile, constraint and level bytes.</summary>
    public string CodecString => $"avc1.{ProfileIdc:X2}{ConstraintFlags:X2}{LevelIdc:X2}";

    /// <summary>Parses an SPS NAL unit, header byte included.</summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, [NotNullWhen(true)] out Sps? sps, [NotNullWhen(false)] out string? error)
    {
        sps = null;
        if (nal.Length < 4 || NalUnit.TypeOf(nal[0]) != NalUnitType.Sps)
        {
            error = "not an SPS NAL unit";
            return false;
        }

        if (nal.Length > MaxNalBytes)
        {
            error = $"SPS of {nal.Length} bytes exceeds the {MaxNalBytes}-byte limit";
            return false;
        }

        Span<byte> rbsp = stackalloc byte[nal.Length];
        var length = EmulationPrevention.Remove(nal[1..], rbsp);
        var r = new BitReader(rbsp[..length]);

        var profileIdc = (byte)r.ReadBits(8);
        var constraintFlags = (byte)r.ReadBits(8);
        var levelIdc = (byte)r.ReadBits(8);
        if (r.ReadUnsignedExpGolomb() > 31)
        {
            error = "seq_parameter_set_id out of range";
            return false;
        }

        uint chromaFormatIdc = 1;
        uint bitDepthLuma = 8, bitDepthChroma = 8;
        var separateColourPlane = false;
        if (profileIdc is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135)
        {
            chromaFormatIdc = r.ReadUnsignedExpGolomb();
            if (chromaFormatIdc > 3)
            {
                error = "chroma_format_idc out of range";
                return false;
            }

            if (chromaFormatIdc == 3)
            {
                separateColourPlane = r.ReadBit();
            }

            bitDepthLuma = r.ReadUnsignedExpGolomb() + 8;
            bitDepthChroma = r.ReadUnsignedExpGolomb() + 8;
            if (bitDepthLuma > 14 || bitDepthChroma > 14)
            {
                error = "bit depth out of range";
                return false;
            }

            r.ReadBit(); // qpprime_y_zero_transform_bypass_flag
            if (r.ReadBit())
            {
                SkipScalingLists(ref r, chromaFormatIdc != 3 ? 8 : 12);
            }
        }

        if (r.ReadUnsignedExpGolomb() > 12)
        {
            error = "log2_max_frame_num_minus4 out of range";
            return false;
        }

        var pocType = r.ReadUnsignedExpGolomb();
        if (pocType == 0)
        {
            r.ReadUnsignedExpGolomb(); // log2_max_pic_order_cnt_lsb_minus4
        }
        else if (pocType == 1)
        {
            r.ReadBit(); // delta_pic_order_always_zero_flag
            r.ReadSignedExpGolomb(); // offset_for_non_ref_pic
            r.ReadSignedExpGolomb(); // offset_for_top_to_bottom_field
            var cycle = r.ReadUnsignedExpGolomb();
            if (cycle > 255)
            {
                error = "num_ref_frames_in_pic_order_cnt_cycle out of range";
                return false;
            }

            for (var i = 0; i < cycle; i++)
            {
                r.ReadSignedExpGolomb();
            }
        }
        else if (pocType > 2)
        {
            error = "pic_order_cnt_type out of range";
            return false;
        }

        var maxNumRefFrames = r.ReadUnsignedExpGolomb();
        r.ReadBit(); // gaps_in_frame_num_value_allowed_flag
        var widthInMbs = r.ReadUnsignedExpGolomb() + 1;
        var heightInMapUnits = r.ReadUnsignedExpGolomb() + 1;
        var frameMbsOnly = r.ReadBit();
        if (!frameMbsOnly)
        {
            r.ReadBit(); // mb_adaptive_frame_field_flag
        }

        r.ReadBit(); // direct_8x8_inference_flag
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (r.ReadBit())
        {
            cropLeft = r.ReadUnsignedExpGolomb();
            cropRight = r.ReadUnsignedExpGolomb();
            cropTop = r.ReadUnsignedExpGolomb();
            cropBottom = r.ReadUnsignedExpGolomb();
        }

        if (r.Overrun || widthInMbs > 1024 || heightInMapUnits > 1024)
        {
            error = "SPS is truncated or its picture size is out of range";
            return false;
        }

        // Table 6-1: crop units depend on chroma subsampling; frame_mbs_only doubles vertical units for fields.
        var chromaArrayType = separateColourPlane ? 0u : chromaFormatIdc;
        var cropUnitX = chromaArrayType == 0 ? 1u : (chromaFormatIdc == 3 ? 1u : 2u);
        var cropUnitY = (chromaArrayType == 0 ? 1u : (chromaFormatIdc == 1 ? 2u : 1u)) * (frameMbsOnly ? 1u : 2u);
        var width = (long)(widthInMbs * 16) - (cropUnitX * (cropLeft + cropRight));
        var height = (long)((frameMbsOnly ? 1 : 2) * heightInMapUnits * 16) - (cropUnitY * (cropTop + cropBottom));
        if (width <= 0 || height <= 0)
        {
            error = "SPS cropping leaves no picture";
            return false;
        }

        var vuiPresentFlagBit = r.BitPosition;
        var hasVui = r.ReadBit();
        var vui = hasVui ? ReadVui(ref r) : new Vui(null, false, null, -1);

        sps = new Sps
        {
            ProfileIdc = profileIdc,
            ConstraintFlags = constraintFlags,
            LevelIdc = levelIdc,
            Width = (int)width,
            Height = (int)height,
            FrameMbsOnly = frameMbsOnly,
            PicOrderCntType = (int)pocType,
            ChromaFormatIdc = (int)chromaFormatIdc,
            BitDepthLuma = (int)bitDepthLuma,
            BitDepthChroma = (int)bitDepthChroma,
            FrameRate = vui.FrameRate,
            HasBitstreamRestriction = vui.HasBitstreamRestriction,
            MaxNumReorderFrames = vui.MaxNumReorderFrames,
            MaxNumRefFrames = (int)Math.Min(maxNumRefFrames, 16),
            HasVui = hasVui,
            VuiPresentFlagBit = vuiPresentFlagBit,
            BitstreamRestrictionFlagBit = vui.RestrictionFlagBit,
        };
        error = null;
        return true;
    }

    private static void SkipScalingLists(ref BitReader r, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!r.ReadBit())
            {
                continue;
            }

            var size = i < 6 ? 16 : 64;
            int last = 8, next = 8;
            for (var j = 0; j < size && next != 0; j++)
            {
                next = (last + r.ReadSignedExpGolomb() + 256) % 256;
                last = next == 0 ? last : next;
            }
        }
    }

    // RestrictionFlagBit: where bitstream_restriction_flag is, -1 when the VUI ends before it.
    private readonly record struct Vui(double? FrameRate, bool HasBitstreamRestriction, int? MaxNumReorderFrames, int RestrictionFlagBit);

    // Annex E.1.1. A VUI cut short is common in the field; the fields read before the cut still count.
    private static Vui ReadVui(ref BitReader r)
    {
        if (r.ReadBit())
        {
            if (r.ReadBits(8) == 255)
            {
                r.Skip(32); // sar_width, sar_height
            }
        }

        if (r.ReadBit())
        {
            r.ReadBit(); // overscan_appropriate_flag
        }

        if (r.ReadBit())
        {
            r.Skip(4); // video_format, video_full_range_flag
            if (r.ReadBit())
            {
                r.Skip(24); // colour description
            }
        }

        if (r.ReadBit())
        {
            r.ReadUnsignedExpGolomb();
            r.ReadUnsignedExpGolomb();
        }

        double? frameRate = null;
        if (r.ReadBit())
        {
            var numUnitsInTick = r.ReadBits(32);
            var timeScale = r.ReadBits(32);
            r.ReadBit(); // fixed_frame_rate_flag
            if (!r.Overrun && numUnitsInTick > 0 && timeScale > 0)
            {
                // E.2.1: one frame is two ticks.
                var fps = timeScale / (2.0 * numUnitsInTick);
                frameRate = fps is > 0 and <= 300 ? fps : null;
            }
        }

        var nalHrd = r.ReadBit();
        if (nalHrd)
        {
            SkipHrd(ref r);
        }

        var vclHrd = r.ReadBit();
        if (vclHrd)
        {
            SkipHrd(ref r);
        }

        if (nalHrd || vclHrd)
        {
            r.ReadBit(); // low_delay_hrd_flag
        }

        r.ReadBit(); // pic_struct_present_flag
        var restrictionFlagBit = r.BitPosition;
        if (r.Overrun || !r.ReadBit())
        {
            return new Vui(frameRate, false, null, r.Overrun ? -1 : restrictionFlagBit);
        }

        r.ReadBit(); // motion_vectors_over_pic_boundaries_flag
        r.ReadUnsignedExpGolomb(); // max_bytes_per_pic_denom
        r.ReadUnsignedExpGolomb(); // max_bits_per_mb_denom
        r.ReadUnsignedExpGolomb(); // log2_max_mv_length_horizontal
        r.ReadUnsignedExpGolomb(); // log2_max_mv_length_vertical
        var reorder = r.ReadUnsignedExpGolomb();
        r.ReadUnsignedExpGolomb(); // max_dec_frame_buffering
        return r.Overrun ? new Vui(frameRate, false, null, -1) : new Vui(frameRate, true, (int)Math.Min(reorder, 16), restrictionFlagBit);
    }

    private static void SkipHrd(ref BitReader r)
    {
        var count = r.ReadUnsignedExpGolomb() + 1;
        r.Skip(8); // bit_rate_scale, cpb_size_scale
        for (var i = 0; i < count && i < 32 && !r.Overrun; i++)
        {
            r.ReadUnsignedExpGolomb();
            r.ReadUnsignedExpGolomb();
            r.ReadBit();
        }

        r.Skip(20); // four 5-bit length fields
    }
}
