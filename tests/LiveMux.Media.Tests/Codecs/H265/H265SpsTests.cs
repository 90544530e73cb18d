using LiveMux.Media.Codecs.H265;
using LiveMux.Media.Tests.Bits;

namespace LiveMux.Media.Tests.Codecs.H265;

public sealed class H265SpsTests
{
    public static TheoryData<string> Samples => H265SpsSamples.Names;

    [Theory]
    [MemberData(nameof(Samples))]
    public void Parses_x265_output_like_ffmpeg_does(string name)
    {
        var expected = H265SpsSamples.All[name];
        Assert.True(H265Sps.TryParse(expected.SpsBytes, out var sps, out var error), error);
        Assert.Equal(expected.Width, sps.Width);
        Assert.Equal(expected.Height, sps.Height);
        Assert.Equal(expected.Width, sps.CodedWidth);
        Assert.Equal(expected.CodedHeight, sps.CodedHeight);
        Assert.Equal(expected.Codec, sps.CodecString);
        Assert.Equal(expected.MaxNumReorderPics, sps.MaxNumReorderPics);
        Assert.Equal(expected.MaxDecPicBuffering, sps.MaxDecPicBuffering);
        Assert.Equal(expected.MaxSubLayers, sps.MaxSubLayers);
        Assert.Equal(expected.ChromaFormatIdc, sps.ChromaFormatIdc);
        Assert.Equal(expected.BitDepth, sps.BitDepthLuma);
        Assert.Equal(expected.BitDepth, sps.BitDepthChroma);
        Assert.Equal(8, sps.Log2MaxPicOrderCntLsb); // x265: log2_max_pic_order_cnt_lsb_minus4 = 4
        Assert.NotNull(sps.FrameRate);
        Assert.Equal(expected.FrameRate, sps.FrameRate.Value, 6);
    }

    /// <summary>Every prefix fails with an error or, once only the VUI is cut, keeps size and codec. Nothing throws.</summary>
    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_prefix_fails_cleanly_or_keeps_the_picture_size(string name)
    {
        var expected = H265SpsSamples.All[name];
        var full = expected.SpsBytes;
        var failures = 0;
        for (var length = 0; length < full.Length; length++)
        {
            if (H265Sps.TryParse(full.AsSpan(0, length), out var sps, out var error))
            {
                Assert.Null(error);
                Assert.Equal(expected.Width, sps.Width);
                Assert.Equal(expected.Height, sps.Height);
                Assert.Equal(expected.Codec, sps.CodecString);
            }
            else
            {
                Assert.Null(sps);
                Assert.False(string.IsNullOrEmpty(error));
                failures++;
            }
        }

        Assert.True(failures > full.Length / 2, $"only {failures} of {full.Length} prefixes failed");
    }

    public static TheoryData<string, string> Rejections => new()
    {
        { "not an SPS NAL unit", "4401c172b46240" }, // a PPS
        { "not an SPS NAL unit", "4201" },
        { "enhancement layer", "420901016000000300900000030000030078a003c08010e596566924caf0168080000003008000000c84" },
        { "sps_max_sub_layers_minus1 out of range", "42010f01600000030090000003000003003ca00a080b9f7964a924caf0168080000003008000000f04" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Bad_input_gets_a_named_reason(string reason, string hex)
    {
        Assert.False(H265Sps.TryParse(Convert.FromHexString(hex), out var sps, out var error));
        Assert.Null(sps);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void An_oversized_sps_is_refused_before_parsing()
    {
        var nal = new byte[H265Sps.MaxNalBytes + 1];
        nal[0] = 0x42;
        nal[1] = 0x01;
        Assert.False(H265Sps.TryParse(nal, out _, out var error));
        Assert.Contains("limit", error);
    }

    public static TheoryData<byte, bool, byte, uint, ulong, byte, string> CodecStrings => new()
    {
        // ISO/IEC 14496-15 E.3 examples, and the corner cases of each field.
        { 0, false, 1, 0x60000000, 0xB0_00_00_00_00_00, 93, "hvc1.1.6.L93.B0" },
        { 0, true, 2, 0x20000000, 0xB0_00_00_00_00_00, 120, "hvc1.2.4.H120.B0" },
        { 1, false, 1, 0x60000000, 0x90_00_00_00_00_00, 93, "hvc1.A1.6.L93.90" },
        { 3, false, 1, 0x60000000, 0x90_00_00_00_00_00, 93, "hvc1.C1.6.L93.90" },
        { 0, false, 1, 0x00000000, 0, 30, "hvc1.1.0.L30" },
        { 0, false, 4, 0x08000000, 0x9E_08_00_00_00_01, 60, "hvc1.4.10.L60.9E.08.00.00.00.01" },
        { 0, false, 31, 0x80000001, 0x00_00_00_00_01_00, 186, "hvc1.31.80000001.L186.00.00.00.00.01" },
    };

    [Theory]
    [MemberData(nameof(CodecStrings))]
    public void Codec_string_follows_annex_e(byte space, bool highTier, byte profile, uint compatibility, ulong constraints, byte level, string expected)
    {
        var ptl = new H265ProfileTierLevel
        {
            ProfileSpace = space,
            HighTier = highTier,
            ProfileIdc = profile,
            CompatibilityFlags = compatibility,
            ConstraintFlags = constraints,
            LevelIdc = level,
        };
        Assert.Equal(expected, ptl.CodecString());
    }

    /// <summary>
    /// x265 leaves out what makes an SPS long to skip. This one is written field by field (7.3.2.2.1): three
    /// sub-layers with profile and level present for one, scaling list data, PCM, three short-term RPS of
    /// which two are predicted (the count of flags depends on the reference's pictures), long-term pictures,
    /// then a VUI with timing info and a bitstream restriction.
    /// </summary>
    [Fact]
    public void Skips_every_variable_length_part_exactly()
    {
        var w = new TestBitWriter();
        w.Bits(0x42, 8).Bits(0x01, 8); // NAL header: SPS, layer 0, tid 1
        w.Bits(0, 4).Bits(2, 3).Bit(true); // vps id, max_sub_layers_minus1 = 2, nesting
        w.Bits(0, 2).Bit(false).Bits(1, 5).Bits(0x60000000, 32).Bits(0xB00000000000, 48).Bits(93, 8);
        w.Bit(true).Bit(true).Bit(false).Bit(false); // sub-layer 0: profile+level; sub-layer 1: none
        w.Bits(0, 2 * 6); // reserved_zero_2bits for i = 2..7
        w.Bits(0x123456789ABCDEF, 60).Bits(0x1FFFFFF, 28); // sub-layer 0 profile (88 bits)
        w.Bits(90, 8); // sub-layer 0 level
        w.Ue(0).Ue(1).Ue(1288).Ue(728); // sps id, 4:2:0, coded 1288x728
        w.Bit(true).Ue(0).Ue(4).Ue(0).Ue(4); // conformance window: 8 columns and 8 rows off
        w.Ue(0).Ue(0).Ue(6); // 8-bit, log2_max_poc_lsb = 10
        w.Bit(true); // ordering info for each sub-layer
        w.Ue(1).Ue(0).Ue(0).Ue(3).Ue(1).Ue(0).Ue(5).Ue(3).Ue(7); // the highest: dpb 6, reorder 3
        w.Ue(0).Ue(3).Ue(0).Ue(3).Ue(1).Ue(1);
        w.Bit(true).Bit(true); // scaling lists enabled, data present
        for (var sizeId = 0; sizeId < 4; sizeId++)
        {
            for (var matrixId = 0; matrixId < 6; matrixId += sizeId == 3 ? 3 : 1)
            {
                if ((sizeId + matrixId) % 2 == 0)
                {
                    w.Bit(false).Ue(0); // predicted
                    continue;
                }

                w.Bit(true);
                if (sizeId > 1)
                {
                    w.Se(-3);
                }

                for (var i = 0; i < Math.Min(64, 1 << (4 + (sizeId << 1))); i++)
                {
                    w.Se(i % 3 - 1);
                }
            }
        }

        w.Bit(true).Bit(true); // amp, sao
        w.Bit(true).Bits(7, 4).Bits(7, 4).Ue(0).Ue(1).Bit(false); // pcm
        w.Ue(3); // three short-term RPS
        w.Ue(2).Ue(1).Ue(0).Bit(true).Ue(1).Bit(true).Ue(0).Bit(true); // RPS 0: -1, -3 | +1
        w.Bit(true).Bit(false).Ue(0); // RPS 1 predicted from 0, deltaRps = +1: 4 flags, all used
        w.Bit(true).Bit(true).Bit(true).Bit(true); // -1+1=0 is no picture; -3+1=-2; +1+1=+2; deltaRps itself +1
        w.Bit(true).Bit(true).Ue(1); // RPS 2 predicted from 1, deltaRps = -2: RPS 1 has 3 pictures -> 4 flags
        w.Bit(true).Bit(false).Bit(true).Bit(true).Bit(false).Bit(false); // used, (not used, use_delta), used, (not, not)
        w.Bit(true).Ue(2).Bits(5, 10).Bit(true).Bits(9, 10).Bit(false); // two long-term pictures, 10-bit LSBs
        w.Bit(true).Bit(true); // temporal mvp, strong intra smoothing
        w.Bit(true); // VUI
        w.Bit(true).Bits(255, 8).Bits(4, 16).Bits(3, 16); // aspect ratio 255 with SAR
        w.Bit(true).Bit(false); // overscan
        w.Bit(true).Bits(5, 3).Bit(false).Bit(true).Bits(1, 8).Bits(1, 8).Bits(1, 8); // signal type, colour
        w.Bit(true).Ue(1).Ue(1); // chroma loc
        w.Bit(false).Bit(false).Bit(false); // neutral chroma, field_seq, frame_field_info
        w.Bit(true).Ue(1).Ue(2).Ue(3).Ue(4); // default display window
        w.Bit(true).Bits(1001, 32).Bits(60000, 32).Bit(true).Ue(0).Bit(false); // timing: 59.94, no HRD
        w.Bit(true).Bit(false).Bit(true).Bit(false).Ue(12); // bitstream restriction: min_spatial_segmentation 12
        w.Ue(0).Ue(0).Ue(15).Ue(15);
        w.Bit(false).TrailingBits();

        var nal = AddEmulationPrevention(w.ToArray());
        Assert.True(H265Sps.TryParse(nal, out var sps, out var error), error);
        Assert.Equal(3, sps.MaxSubLayers);
        Assert.Equal(1280, sps.Width);
        Assert.Equal(720, sps.Height);
        Assert.Equal(1288, sps.CodedWidth);
        Assert.Equal(10, sps.Log2MaxPicOrderCntLsb);
        Assert.Equal(3, sps.MaxNumReorderPics);
        Assert.Equal(6, sps.MaxDecPicBuffering);
        Assert.Equal(7, sps.MaxLatencyIncreasePlus1);
        Assert.Equal("hvc1.1.6.L93.B0", sps.CodecString);
        Assert.NotNull(sps.FrameRate);
        Assert.Equal(60000 / 1001.0, sps.FrameRate.Value, 6);
        Assert.Equal(12, sps.MinSpatialSegmentationIdc);
    }

    /// <summary>7.4.2: a 0x03 after every two zero bytes that precede a byte of 0x03 or less.</summary>
    private static byte[] AddEmulationPrevention(byte[] rbsp)
    {
        var nal = new List<byte>();
        var zeros = 0;
        foreach (var b in rbsp)
        {
            if (zeros == 2 && b <= 3)
            {
                nal.Add(3);
                zeros = 0;
            }

            nal.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return [.. nal];
    }
}
