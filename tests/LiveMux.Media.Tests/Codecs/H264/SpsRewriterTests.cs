using LiveMux.Media.Codecs.H264;

namespace LiveMux.Media.Tests.Codecs.H264;

/// <summary>
/// bitstream_restriction added to real SPS that lack it. The inputs are x264 (r3095) and OpenH264 SPS with
/// the restriction or the whole VUI removed by tests/tools/sps_strip.py, each checked with
/// <c>ffmpeg -bsf:v trace_headers</c> (bitstream_restriction_flag 0 / vui_parameters_present_flag 0) and
/// decoded by ffmpeg without error:
/// <c>ffmpeg -f lavfi -i testsrc2=size=WxH:rate=5 -c:v libx264 -profile:v P -bf B -f h264 x.h264</c>, then
/// <c>sps_strip.py x.h264 s.h264 [--whole-vui]</c>.
/// </summary>
public sealed class SpsRewriterTests
{
    public static TheoryData<string, string, bool, int, int, int, double?> Cases => new()
    {
        // name, SPS, rewritten?, width, height, max_num_ref_frames, frame rate
        { "x264 baseline 320x240, restriction removed", "6742c00bd90141fb0110000003001000000300a040", true, 320, 240, 3, 5 },
        { "x264 baseline 320x240, VUI removed", "6742c00bd90141f9", true, 320, 240, 3, null },
        { "x264 high 640x360 bf=0 (pic_order_cnt_type 2), restriction removed", "67640016acb201405ff2e0220000030002000003001408", true, 640, 360, 3, 5 },
        { "x264 high 640x360 bf=0, VUI removed", "67640016acb201405ff2a0", true, 640, 360, 3, null },
        { "OpenH264 constrained baseline 320x240, restriction removed", "6742c00b8c8d40a0f90040", true, 320, 240, 1, null },
        { "x264 main bf=2 (POC type 0): depth unknown, left alone", "674d400ceca0a0fd80880000030008000003005020", false, 320, 240, 4, 5 },
        { "x264 baseline with restriction: nothing to add", "6742c00bd90141fb0110000003001000000300a0f142a480", false, 320, 240, 3, 5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_camera_s_sps_stays_on_the_track_and_browsers_get_it_rewritten(string name, string hex, bool rewritten, int width, int height, int refs, double? fps)
    {
        _ = (width, height, refs, fps);
        var sps = Convert.FromHexString(hex);
        byte[] pps = [0x68, 0xCB, 0x83, 0xCB, 0x20];
        var camera = new H264ParameterSets(addBitstreamRestriction: false);
        camera.Offer(sps);
        camera.Offer(pps);
        Assert.True(camera.Refresh(), name);
        Assert.False(camera.SpsRewritten);
        var track = camera.Config!;
        Assert.Contains(Convert.ToHexString(sps), Convert.ToHexString(track.SampleEntry));

        var browsers = H264ParameterSets.ForBrowsers(track);
        Assert.Equal(rewritten, !ReferenceEquals(browsers, track));
        Assert.Equal((track.Codec, track.Width, track.Height, track.FrameRate), (browsers.Codec, browsers.Width, browsers.Height, browsers.FrameRate));
        if (rewritten)
        {
            var expected = new H264ParameterSets();
            expected.Offer(sps);
            expected.Offer(pps);
            expected.Refresh();
            Assert.Equal(expected.Config!.SampleEntry, browsers.SampleEntry);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("01")]
    [InlineData("0142c00bffe0")] // no SPS
    [InlineData("0142c00bffe10009")] // an SPS longer than the record
    public void A_broken_avcC_leaves_the_track_alone(string recordHex)
    {
        var record = Convert.FromHexString(recordHex);
        Assert.False(AvcConfigurationRecord.TryReadFirst(record, out _, out _));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Restriction_is_added_only_when_the_depth_is_known_to_be_zero(string name, string hex, bool rewritten, int width, int height, int refs, double? fps)
    {
        var sps = Convert.FromHexString(hex);
        Assert.True(Sps.TryParse(sps, out var parsed, out var error), $"{name}: {error}");
        Assert.Equal(width, parsed.Width);
        Assert.Equal(refs, parsed.MaxNumRefFrames);

        var sets = new H264ParameterSets();
        sets.Offer(sps);
        sets.Offer([0x68, 0xCB, 0x83, 0xCB, 0x20]);
        Assert.True(sets.Refresh());
        Assert.Equal(rewritten, sets.SpsRewritten);

        var added = parsed.ReorderDepth == 0 ? SpsRewriter.AddBitstreamRestriction(sps, parsed, 0) : null;
        Assert.Equal(rewritten, added is not null);
        if (added is null)
        {
            return;
        }

        Assert.True(Sps.TryParse(added, out var again, out error), $"{name}: {error}");
        Assert.True(again.HasBitstreamRestriction);
        Assert.Equal(0, again.MaxNumReorderFrames);
        Assert.Equal((width, height, fps, refs), (again.Width, again.Height, again.FrameRate, again.MaxNumRefFrames));
        Assert.Equal(parsed.CodecString, again.CodecString);
        Assert.Equal(parsed.PicOrderCntType, again.PicOrderCntType);
        Assert.Equal(sps[..4], added[..4]); // header, profile, constraints, level: the codec string's bytes

        // The avcC carries the rewritten SPS: u16 length at offset 6, then the SPS.
        var avcC = AvcConfigurationRecord.Build(added, [0x68, 0xCB, 0x83, 0xCB, 0x20], again);
        Assert.Contains(Convert.ToHexString(added), Convert.ToHexString(sets.Config!.SampleEntry));
        Assert.Equal(added, avcC.AsSpan(8, added.Length).ToArray());
    }

    [Fact]
    public void Emulation_prevention_is_reapplied()
    {
        // An SPS whose rewritten RBSP holds 00 00 0x: x264 baseline's "...0000030010000003..." region survives.
        var sps = Convert.FromHexString("6742c00bd90141fb0110000003001000000300a040");
        Assert.True(Sps.TryParse(sps, out var parsed, out _));
        var added = SpsRewriter.AddBitstreamRestriction(sps, parsed, 0)!;
        for (var i = 2; i < added.Length; i++)
        {
            Assert.False(added[i - 2] == 0 && added[i - 1] == 0 && added[i] <= 2, $"start-code-like 00 00 0{added[i]} at {i - 2}");
        }

        Assert.Contains("0000030010000003", Convert.ToHexString(added), StringComparison.OrdinalIgnoreCase);
    }
}
