using LiveMux.Media.Bits;

namespace LiveMux.Media.Codecs.H264;

/// <summary>
/// Adds VUI bitstream_restriction (ITU-T H.264 Annex E.1.1) to an SPS that lacks it. Without it a decoder
/// must assume frames may be reordered and can hold up to 16 of them before output (Chrome does): 1.7 s
/// at 9 fps. With max_num_reorder_frames = 0 it outputs each frame as soon as it is decoded.
/// <code>
/// SPS RBSP as received:  [fields before the VUI ...][vui_present=0]                         [trailing bits]
///                   or:  [fields ...][vui_present=1][VUI ... pic_struct_present][restriction=0][trailing]
/// rewritten:             [same bits up to the cut]  [(VUI: 8 absent-field flags)][restriction=1]
///                        [mv_over_boundaries=1][ue 2][ue 1][ue 15][ue 15][ue reorder][ue dec_buffering][trailing]
/// </code>
/// The values not about reordering are the ones E.2.1 infers when they are absent, so the rewrite
/// claims nothing else about the stream. Emulation prevention is re-applied to the result.
/// </summary>
public static class SpsRewriter
{
    /// <summary>
    /// Returns the SPS NAL unit (header included) with bitstream_restriction stating
    /// <paramref name="reorderDepth"/>, or null when it already has one, its VUI is cut short before the
    /// flag, or the input is not a parseable SPS.
    /// </summary>
    public static byte[]? AddBitstreamRestriction(ReadOnlySpan<byte> nal, Sps parsed, int reorderDepth)
    {
        if (parsed.HasBitstreamRestriction || nal.Length < 2 || nal.Length > Sps.MaxNalBytes || reorderDepth is < 0 or > 16)
        {
            return null;
        }

        var cut = parsed.HasVui ? parsed.BitstreamRestrictionFlagBit : parsed.VuiPresentFlagBit;
        Span<byte> rbsp = stackalloc byte[nal.Length];
        var rbspLength = EmulationPrevention.Remove(nal[1..], rbsp);
        if (cut <= 0 || cut > rbspLength * 8)
        {
            return null;
        }

        Span<byte> rewritten = stackalloc byte[rbspLength + 32];
        var w = new BitWriter(rewritten);
        w.CopyBits(rbsp, cut);
        if (!parsed.HasVui)
        {
            w.WriteBit(true); // vui_parameters_present_flag
            // aspect_ratio, overscan, video_signal_type, chroma_loc, timing, nal_hrd, vcl_hrd, pic_struct: absent.
            w.WriteBits(0, 8);
        }

        w.WriteBit(true); // bitstream_restriction_flag
        w.WriteBit(true); // motion_vectors_over_pic_boundaries_flag
        w.WriteUnsignedExpGolomb(2); // max_bytes_per_pic_denom
        w.WriteUnsignedExpGolomb(1); // max_bits_per_mb_denom
        w.WriteUnsignedExpGolomb(15); // log2_max_mv_length_horizontal
        w.WriteUnsignedExpGolomb(15); // log2_max_mv_length_vertical
        w.WriteUnsignedExpGolomb((uint)reorderDepth);
        w.WriteUnsignedExpGolomb((uint)Math.Max(parsed.MaxNumRefFrames, reorderDepth)); // max_dec_frame_buffering
        w.WriteTrailingBits();
        if (w.Overrun)
        {
            return null;
        }

        Span<byte> output = stackalloc byte[1 + (w.ByteLength * 3 / 2) + 2];
        output[0] = nal[0];
        var length = EmulationPrevention.Insert(rewritten[..w.ByteLength], output[1..]);
        if (length < 0 || 1 + length > Sps.MaxNalBytes)
        {
            return null;
        }

        return output[..(1 + length)].ToArray();
    }
}
