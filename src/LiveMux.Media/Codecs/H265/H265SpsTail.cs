using System.Diagnostics.CodeAnalysis;
using LiveMux.Media.Bits;

namespace LiveMux.Media.Codecs.H265;

/// <summary>
/// The part of an H.265 SPS between the sub-layer ordering info and the VUI (7.3.2.2.1), which a transmuxer
/// only skips, and the VUI fields it keeps (E.2.1). The skipping must be exact: scaling lists (7.3.4) and
/// short-term reference picture sets (7.3.7) have variable length, and an RPS predicted from an earlier one
/// has as many flags as the earlier one has pictures.
/// </summary>
internal static class H265SpsTail
{
    private const int MaxShortTermRefPicSets = 64;
    private const int MaxPicsPerSet = 16;

    public static bool TrySkipToVui(ref BitReader r, int log2MaxPocLsb, [NotNullWhen(false)] out string? error)
    {
        r.ReadUnsignedExpGolomb(); // log2_min_luma_coding_block_size_minus3
        r.ReadUnsignedExpGolomb(); // log2_diff_max_min_luma_coding_block_size
        r.ReadUnsignedExpGolomb(); // log2_min_luma_transform_block_size_minus2
        r.ReadUnsignedExpGolomb(); // log2_diff_max_min_luma_transform_block_size
        r.ReadUnsignedExpGolomb(); // max_transform_hierarchy_depth_inter
        r.ReadUnsignedExpGolomb(); // max_transform_hierarchy_depth_intra
        if (r.ReadBit() && r.ReadBit())
        {
            // scaling_list_enabled_flag, sps_scaling_list_data_present_flag
            SkipScalingListData(ref r);
        }

        r.ReadBit(); // amp_enabled_flag
        r.ReadBit(); // sample_adaptive_offset_enabled_flag
        if (r.ReadBit())
        {
            r.Skip(8); // pcm_sample_bit_depth_luma_minus1, pcm_sample_bit_depth_chroma_minus1
            r.ReadUnsignedExpGolomb(); // log2_min_pcm_luma_coding_block_size_minus3
            r.ReadUnsignedExpGolomb(); // log2_diff_max_min_pcm_luma_coding_block_size
            r.ReadBit(); // pcm_loop_filter_disabled_flag
        }

        var setCount = r.ReadUnsignedExpGolomb();
        if (setCount > MaxShortTermRefPicSets)
        {
            error = "num_short_term_ref_pic_sets out of range";
            return false;
        }

        if (!TrySkipShortTermRefPicSets(ref r, (int)setCount))
        {
            error = "SPS short-term reference picture set is truncated or out of range";
            return false;
        }

        if (r.ReadBit())
        {
            var longTermCount = r.ReadUnsignedExpGolomb();
            if (longTermCount > 32)
            {
                error = "num_long_term_ref_pics_sps out of range";
                return false;
            }

            for (var i = 0; i < longTermCount; i++)
            {
                r.Skip(log2MaxPocLsb + 1); // lt_ref_pic_poc_lsb_sps, used_by_curr_pic_lt_sps_flag
            }
        }

        r.ReadBit(); // sps_temporal_mvp_enabled_flag
        r.ReadBit(); // strong_intra_smoothing_enabled_flag
        if (r.Overrun)
        {
            error = "SPS is truncated before the VUI";
            return false;
        }

        error = null;
        return true;
    }

    private static void SkipScalingListData(ref BitReader r)
    {
        for (var sizeId = 0; sizeId < 4; sizeId++)
        {
            for (var matrixId = 0; matrixId < 6; matrixId += sizeId == 3 ? 3 : 1)
            {
                if (!r.ReadBit())
                {
                    r.ReadUnsignedExpGolomb(); // scaling_list_pred_matrix_id_delta
                    continue;
                }

                var coefficients = Math.Min(64, 1 << (4 + (sizeId << 1)));
                if (sizeId > 1)
                {
                    r.ReadSignedExpGolomb(); // scaling_list_dc_coef_minus8
                }

                for (var i = 0; i < coefficients && !r.Overrun; i++)
                {
                    r.ReadSignedExpGolomb(); // scaling_list_delta_coef
                }
            }
        }
    }

    /// <summary>
    /// st_ref_pic_set(i) for i in 0 .. count-1 (7.3.7), keeping each set's delta POCs because a predicted
    /// set sends one flag per picture of its reference set and derives its own pictures from them (7-61, 7-62).
    /// </summary>
    private static bool TrySkipShortTermRefPicSets(ref BitReader r, int count)
    {
        if (count == 0)
        {
            return true;
        }

        // Per set: negative delta POCs (S0, closest first) then positive ones (S1).
        var s0 = new int[count][];
        var s1 = new int[count][];
        Span<bool> used = stackalloc bool[(2 * MaxPicsPerSet) + 1];
        Span<int> next0 = stackalloc int[(2 * MaxPicsPerSet) + 1];
        Span<int> next1 = stackalloc int[(2 * MaxPicsPerSet) + 1];
        for (var idx = 0; idx < count; idx++)
        {
            if (idx != 0 && r.ReadBit())
            {
                // inter_ref_pic_set_prediction_flag; delta_idx_minus1 exists only in slice headers, so the
                // reference is the previous set.
                var reference = idx - 1;
                var sign = r.ReadBit();
                var absDeltaMinus1 = r.ReadUnsignedExpGolomb();
                if (absDeltaMinus1 >= 1 << 15)
                {
                    return false;
                }

                var deltaRps = (1 - (2 * (sign ? 1 : 0))) * ((int)absDeltaMinus1 + 1);
                var refS0 = s0[reference];
                var refS1 = s1[reference];
                var refCount = refS0.Length + refS1.Length;
                for (var j = 0; j <= refCount; j++)
                {
                    var usedByCurrent = r.ReadBit();
                    used[j] = usedByCurrent || r.ReadBit(); // use_delta_flag is inferred 1 when used
                }

                int n0 = 0, n1 = 0;
                for (var j = refS1.Length - 1; j >= 0; j--)
                {
                    var d = refS1[j] + deltaRps;
                    if (d < 0 && used[refS0.Length + j] && !Add(next0, ref n0, d))
                    {
                        return false;
                    }
                }

                if (deltaRps < 0 && used[refCount] && !Add(next0, ref n0, deltaRps))
                {
                    return false;
                }

                for (var j = 0; j < refS0.Length; j++)
                {
                    var d = refS0[j] + deltaRps;
                    if (d < 0 && used[j] && !Add(next0, ref n0, d))
                    {
                        return false;
                    }
                }

                for (var j = refS0.Length - 1; j >= 0; j--)
                {
                    var d = refS0[j] + deltaRps;
                    if (d > 0 && used[j] && !Add(next1, ref n1, d))
                    {
                        return false;
                    }
                }

                if (deltaRps > 0 && used[refCount] && !Add(next1, ref n1, deltaRps))
                {
                    return false;
                }

                for (var j = 0; j < refS1.Length; j++)
                {
                    var d = refS1[j] + deltaRps;
                    if (d > 0 && used[refS0.Length + j] && !Add(next1, ref n1, d))
                    {
                        return false;
                    }
                }

                s0[idx] = next0[..n0].ToArray();
                s1[idx] = next1[..n1].ToArray();
            }
            else
            {
                var negatives = r.ReadUnsignedExpGolomb();
                var positives = r.ReadUnsignedExpGolomb();
                if (negatives > MaxPicsPerSet || positives > MaxPicsPerSet - negatives)
                {
                    return false;
                }

                s0[idx] = ReadDeltas(ref r, (int)negatives, -1);
                s1[idx] = ReadDeltas(ref r, (int)positives, 1);
            }

            if (r.Overrun)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Add(Span<int> list, ref int n, int value)
    {
        if (n == MaxPicsPerSet)
        {
            return false;
        }

        list[n++] = value;
        return true;
    }

    private static int[] ReadDeltas(ref BitReader r, int count, int direction)
    {
        var deltas = new int[count];
        var poc = 0;
        for (var i = 0; i < count; i++)
        {
            poc += direction * ((int)Math.Min(r.ReadUnsignedExpGolomb(), 1u << 15) + 1); // delta_poc_sX_minus1
            r.ReadBit(); // used_by_curr_pic_sX_flag
            deltas[i] = poc;
        }

        return deltas;
    }

    internal readonly record struct Vui(double? FrameRate, int MinSpatialSegmentationIdc);

    /// <summary>
    /// E.2.1 up to the timing info, and the bitstream restriction when no HRD parameters stand before it.
    /// A VUI cut short is common in the field; the fields read before the cut still count.
    /// </summary>
    public static Vui ReadVui(ref BitReader r)
    {
        if (r.ReadBit() && r.ReadBits(8) == 255)
        {
            r.Skip(32); // sar_width, sar_height
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
                r.Skip(24); // colour_primaries, transfer_characteristics, matrix_coeffs
            }
        }

        if (r.ReadBit())
        {
            r.ReadUnsignedExpGolomb(); // chroma_sample_loc_type_top_field
            r.ReadUnsignedExpGolomb(); // chroma_sample_loc_type_bottom_field
        }

        r.ReadBit(); // neutral_chroma_indication_flag
        var fieldSeq = r.ReadBit();
        r.ReadBit(); // frame_field_info_present_flag
        if (r.ReadBit())
        {
            for (var i = 0; i < 4; i++)
            {
                r.ReadUnsignedExpGolomb(); // def_disp_win offsets
            }
        }

        double? frameRate = null;
        if (r.ReadBit())
        {
            var numUnitsInTick = r.ReadBits(32);
            var timeScale = r.ReadBits(32);
            if (!r.Overrun && numUnitsInTick > 0 && timeScale > 0)
            {
                // E.3.1: unlike H.264, one tick is one picture; with field_seq_flag a picture is a field.
                var fps = timeScale / (double)numUnitsInTick / (fieldSeq ? 2 : 1);
                frameRate = fps is > 0 and <= 300 ? fps : null;
            }

            if (r.ReadBit())
            {
                r.ReadUnsignedExpGolomb(); // vui_num_ticks_poc_diff_one_minus1
            }

            if (r.ReadBit())
            {
                // hrd_parameters() lies before the bitstream restriction; it is long and not needed here.
                return new Vui(frameRate, 0);
            }
        }

        if (r.Overrun || !r.ReadBit())
        {
            return new Vui(frameRate, 0);
        }

        r.Skip(3); // tiles_fixed_structure, motion_vectors_over_pic_boundaries, restricted_ref_pic_lists
        var minSpatialSegmentation = r.ReadUnsignedExpGolomb();
        return new Vui(frameRate, r.Overrun || minSpatialSegmentation > 4095 ? 0 : (int)minSpatialSegmentation);
    }
}
