using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Tests.Bits;

namespace LiveMux.Media.Tests.Codecs.H264;

public sealed class SpsTests
{
    public static TheoryData<string> Samples => SpsSamples.Names;

    [Theory]
    [MemberData(nameof(Samples))]
    public void Parses_encoder_output_like_ffmpeg_does(string name)
    {
        var expected = SpsSamples.All[name];
        Assert.True(Sps.TryParse(expected.SpsBytes, out var sps, out var error), error);
        Assert.Equal(expected.Width, sps.Width);
        Assert.Equal(expected.Height, sps.Height);
        Assert.Equal(expected.Codec, sps.CodecString);
        Assert.Equal(expected.BitstreamRestriction, sps.HasBitstreamRestriction);
        Assert.Equal(expected.MaxNumReorderFrames, sps.MaxNumReorderFrames);
        Assert.Equal(expected.ChromaFormatIdc, sps.ChromaFormatIdc);
        Assert.Equal(expected.BitDepth, sps.BitDepthLuma);
        Assert.Equal(expected.BitDepth, sps.BitDepthChroma);
        Assert.True(sps.FrameMbsOnly);
        if (expected.FrameRate is { } fps)
        {
            Assert.NotNull(sps.FrameRate);
            Assert.Equal(fps, sps.FrameRate.Value, 6);
        }
        else
        {
            Assert.Null(sps.FrameRate);
        }
    }

    /// <summary>
    /// Every prefix either fails with an error, or (once the picture size is complete and only the VUI is
    /// cut, which cameras do) succeeds with the same picture size and codec. Nothing throws.
    /// </summary>
    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_prefix_fails_cleanly_or_keeps_the_picture_size(string name)
    {
        var full = SpsSamples.All[name].SpsBytes;
        var failures = 0;
        for (var length = 0; length < full.Length; length++)
        {
            if (Sps.TryParse(full.AsSpan(0, length), out var sps, out var error))
            {
                Assert.Null(error);
                Assert.Equal(SpsSamples.All[name].Width, sps.Width);
                Assert.Equal(SpsSamples.All[name].Height, sps.Height);
                Assert.Equal(SpsSamples.All[name].Codec, sps.CodecString);
            }
            else
            {
                Assert.Null(sps);
                Assert.False(string.IsNullOrEmpty(error));
                failures++;
            }
        }

        // At least header + profile/constraint/level + the fields up to the size must be there.
        Assert.True(failures >= 5, $"only {failures} prefixes failed");
    }

    [Theory]
    [InlineData("", "not an SPS")]
    [InlineData("68 42 C0 0D D9", "not an SPS")] // a PPS header
    [InlineData("67 42 C0", "not an SPS")]
    [InlineData("67 42 C0 0D", "truncated")]
    [InlineData("67 42 C0 0D FF", "truncated")] // cut after the picture height
    [InlineData("67 42 C0 0D 00 00 00 00 00 00 00", "out of range")] // ue(v) longer than 32 bits
    public void Bad_input_gives_a_reason(string hex, string reasonFragment)
    {
        Assert.False(Sps.TryParse(Convert.FromHexString(hex.Replace(" ", "")), out var sps, out var error));
        Assert.Null(sps);
        Assert.Contains(reasonFragment, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Oversized_sps_is_refused()
    {
        var big = new byte[Sps.MaxNalBytes + 1];
        SpsSamples.All["baseline_320x240"].SpsBytes.CopyTo(big, 0);
        Assert.False(Sps.TryParse(big, out _, out var error));
        Assert.Contains("limit", error);
    }

    [Fact]
    public void Random_garbage_after_an_sps_header_never_throws()
    {
        var random = new Random(7);
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var data = new byte[random.Next(1, 64)];
            random.NextBytes(data);
            data[0] = 0x67;
            if (Sps.TryParse(data, out var sps, out var error))
            {
                accepted++;
                Assert.InRange(sps.Width, 1, 1024 * 16);
                Assert.InRange(sps.Height, 1, 1024 * 32);
            }
            else
            {
                Assert.NotNull(error);
            }
        }

        Assert.True(accepted < 20_000);
    }

    [Theory]
    [InlineData(1, true, 0, 0, 0, 0, 320, 240)]
    [InlineData(1, true, 1, 1, 2, 3, 316, 230)] // 4:2:0: 2 px per crop unit both ways
    [InlineData(2, true, 1, 1, 2, 3, 316, 235)] // 4:2:2: 2 px across, 1 px down
    [InlineData(3, true, 1, 1, 2, 3, 318, 235)] // 4:4:4: 1 px both ways
    [InlineData(0, true, 1, 1, 2, 3, 318, 235)] // monochrome: 1 px both ways
    [InlineData(1, false, 0, 0, 0, 2, 320, 248)] // fields: 8 map units are 256 rows; a vertical unit is 4 rows
    public void Crop_units_follow_table_6_1(int chroma, bool frameMbsOnly, int cropLeft, int cropRight, int cropTop, int cropBottom, int width, int height)
    {
        // profile 100 so chroma_format_idc is coded; 20 MBs wide; 15 frame MB rows or 8 field map units (+cropping).
        var mapUnits = frameMbsOnly ? 15 : 8;
        var w = new TestBitWriter()
            .Bits(0x67, 8).Bits(100, 8).Bits(0, 8).Bits(30, 8)
            .Ue(0) // sps id
            .Ue((uint)chroma);
        if (chroma == 3)
        {
            w.Bit(false); // separate_colour_plane
        }

        w.Ue(0).Ue(0).Bit(false).Bit(false) // bit depths, bypass, no scaling matrix
            .Ue(0) // log2_max_frame_num_minus4
            .Ue(2) // poc type 2
            .Ue(1).Bit(false) // refs, gaps
            .Ue(19).Ue((uint)mapUnits - 1)
            .Bit(frameMbsOnly);
        if (!frameMbsOnly)
        {
            w.Bit(false);
        }

        w.Bit(true) // direct_8x8
            .Bit(true).Ue((uint)cropLeft).Ue((uint)cropRight).Ue((uint)cropTop).Ue((uint)cropBottom)
            .Bit(false) // no VUI
            .TrailingBits();

        Assert.True(Sps.TryParse(w.ToArray(), out var sps, out var error), error);
        Assert.Equal(width, sps.Width);
        Assert.Equal(height, sps.Height);
        Assert.Null(sps.FrameRate);
        Assert.False(sps.HasBitstreamRestriction);
        Assert.Equal(frameMbsOnly, sps.FrameMbsOnly);
    }
}
