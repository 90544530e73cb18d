namespace LiveMux.Media.Tests.Codecs.H265;

/// <summary>
/// Real VPS/SPS/PPS NAL units from x265, with what an independent parser (ffmpeg's trace_headers bitstream
/// filter) reads from them. Each was generated with
/// <c>ffmpeg -f lavfi -i testsrc2=size=WxH:rate=R -frames:v 2 -c:v libx265 -pix_fmt PIX -profile:v PROFILE -x265-params PARAMS -f hevc out.h265</c>,
/// split at its start codes, and checked with <c>ffmpeg -v trace -i out.h265 -c copy -bsf:v trace_headers -f null -</c>.
/// Codec strings follow ISO/IEC 14496-15 E.3 from the traced profile_tier_level fields.
/// </summary>
internal static class H265SpsSamples
{
    public sealed record Sample(
        string Vps,
        string Sps,
        string Pps,
        int Width,
        int Height,
        int CodedHeight,
        string Codec,
        double FrameRate,
        int MaxNumReorderPics,
        int MaxDecPicBuffering,
        int MaxSubLayers,
        int ChromaFormatIdc = 1,
        int BitDepth = 8)
    {
        public byte[] VpsBytes => Convert.FromHexString(Vps);

        public byte[] SpsBytes => Convert.FromHexString(Sps);

        public byte[] PpsBytes => Convert.FromHexString(Pps);
    }

    private const string Pps = "4401c172b46240";

    public static readonly IReadOnlyDictionary<string, Sample> All = new Dictionary<string, Sample>
    {
        // 320x180 yuv420p main, bframes=0: 184 coded rows, conf_win_bottom_offset 2 (x2 for 4:2:0).
        ["main_320x180_cropped"] = new(
            "40010c01ffff01600000030090000003000003003c928090",
            "42010101600000030090000003000003003ca00a080b9f7964a924caf0168080000003008000000f04", Pps,
            320, 180, 184, "hvc1.1.6.L60.90", 30, 0, 4, 1),

        // 1920x1080 main, x265 default B-frames: reorder depth 2.
        ["main_1920x1080_bframes"] = new(
            "40010c01ffff016000000300900000030000030078959809",
            "420101016000000300900000030000030078a003c08010e596566924caf0168080000003008000000c84", Pps,
            1920, 1080, 1080, "hvc1.1.6.L120.90", 25, 2, 5, 1),

        // 640x360 yuv420p10le main10.
        ["main10_640x360"] = new(
            "40010c01ffff02200000030090000003000003003f928090",
            "42010102200000030090000003000003003fa00502016936592a4932bc05a020000003002000000303c1", Pps,
            640, 360, 360, "hvc1.2.4.L63.90", 30, 0, 4, 1, BitDepth: 10),

        // 352x288 yuv444p main444-8 (RExt, profile 4): two constraint bytes.
        ["main444_352x288"] = new(
            "40010c01ffff0408000003009e0800000300003c928090",
            "4201010408000003009e0800000300003c9001610090b2c9524995e02d010000030001000003000f08", "4401c172860c4624",
            352, 288, 288, "hvc1.4.10.L60.9E.08", 15, 0, 4, 1, ChromaFormatIdc: 3),

        // 320x240 yuv422p10le main422-10.
        ["main422_10_320x240"] = new(
            "40010c01ffff0408000003009d0800000300003c928090",
            "4201010408000003009d0800000300003cb00a080f136592a4932bc05a020000030002000003003c10", Pps,
            320, 240, 240, "hvc1.4.10.L60.9D.08", 30, 0, 4, 1, ChromaFormatIdc: 2, BitDepth: 10),

        // 1280x720@60 main, high-tier=1:level-idc=5.1:bframes=2.
        ["main_high_tier_720p60"] = new(
            "40010c01ffff216000000300900000030000030099959009",
            "420101216000000300900000030000030099a00280802d16595924932bc05a020000030002000003007810", Pps,
            1280, 720, 720, "hvc1.1.6.H153.90", 60, 2, 5, 1),

        // 640x480 main, temporal-layers=1:bframes=3: two sub-layers, ordering info for each.
        ["main_two_sub_layers"] = new(
            "40010c02ffff01600000030090000003000003005a00009594aca048",
            "42010201600000030090000003000003005a0000a0050201e1659594acb24995e02d010000030001000003001e08", Pps,
            640, 480, 480, "hvc1.1.6.L90.90", 30, 2, 5, 2),
    };

    /// <summary>
    /// hvcC payloads ffmpeg's mp4 muxer wrote for two samples (<c>ffmpeg -i out.h265 -c copy -tag:v hvc1 out.mp4</c>):
    /// an independent encoder of the same record.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> FfmpegHvcC = new Dictionary<string, string>
    {
        ["main_320x180_cropped"] =
            "0101600000009000000000003cf000fcfdf8f800000f03a00001001840010c01ffff01600000030090000003000003003c928090a10001002942010101600000030090000003000003003ca00a080b9f7964a924caf0168080000003008000000f04a2000100074401c172b46240",
        ["main_two_sub_layers"] =
            "0101600000009000000000005af000fcfdf8f800001303a00001001c40010c02ffff01600000030090000003000003005a00009594aca048a10001002e42010201600000030090000003000003005a0000a0050201e1659594acb24995e02d010000030001000003001e08a2000100074401c172b46240",
    };

    public static TheoryData<string> Names => new(All.Keys);
}
