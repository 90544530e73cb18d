namespace LiveMux.Media.Tests.Codecs.H264;

/// <summary>
/// Real SPS/PPS NAL units from encoders, with what an independent parser (ffmpeg's trace_headers bitstream
/// filter) reads from them. Each was generated with the command in its comment, then split out of the
/// Annex B stream at its start code:
/// <c>ffmpeg -v error -f lavfi -i testsrc2=size=WxH:rate=R -c:v libx264 ARGS -frames:v 1 -f h264 out.h264</c>
/// and checked with <c>ffmpeg -v trace -i out.h264 -c copy -bsf:v trace_headers -f null -</c>.
/// </summary>
internal static class SpsSamples
{
    public sealed record Sample(
        string Sps,
        string Pps,
        int Width,
        int Height,
        string Codec,
        double? FrameRate,
        bool BitstreamRestriction,
        int? MaxNumReorderFrames,
        int ChromaFormatIdc = 1,
        int BitDepth = 8)
    {
        public byte[] SpsBytes => Convert.FromHexString(Sps);

        public byte[] PpsBytes => Convert.FromHexString(Pps);
    }

    public static readonly IReadOnlyDictionary<string, Sample> All = new Dictionary<string, Sample>
    {
        // testsrc2=size=320x240:rate=30, -profile:v baseline -pix_fmt yuv420p
        ["baseline_320x240"] = new(
            "6742c00dd90141fb0110000003001000000303c0f142a480", "68cb83cb20",
            320, 240, "avc1.42C00D", 30, true, 0),

        // testsrc2=size=640x360:rate=25, -profile:v main -pix_fmt yuv420p (368 coded rows, 8 cropped)
        ["main_640x360_cropped"] = new(
            "674d401eeca05017fcb808800000030080000019078b16cb", "68ebe3cb20",
            640, 360, "avc1.4D401E", 25, true, 2),

        // testsrc2=size=1920x1080:rate=30, -profile:v high -pix_fmt yuv420p (1088 coded rows, 8 cropped)
        ["high_1920x1080_cropped"] = new(
            "67640028acd940780227e5c044000003000400000300f03c60c658", "68ebe3cb22c0",
            1920, 1080, "avc1.640028", 30, true, 2),

        // testsrc2=size=1280x720:rate=50, -profile:v high422 -pix_fmt yuv422p10le
        ["high422_10bit_1280x720"] = new(
            "677a0020b6cd9405005bb011000003000100000300640f183196", "68ebe3cb22c0",
            1280, 720, "avc1.7A0020", 50, true, 2, ChromaFormatIdc: 2, BitDepth: 10),

        // testsrc2=size=352x288:rate=15, -pix_fmt yuv444p (High 4:4:4 Predictive, profile_idc 244)
        ["high444_352x288"] = new(
            "67f4000c919b282c12d80880000003008000000f078a14cb", "68ebe3c44844",
            352, 288, "avc1.F4000C", 15, true, 2, ChromaFormatIdc: 3),

        // testsrc2=size=640x480:rate=30, -profile:v high -pix_fmt yuv420p -bsf:v h264_metadata=tick_rate=60000/1001
        // VUI timing 1001/60000 (29.97 fps) plus bitstream_restriction.
        ["high_vui_timing_2997"] = new(
            "6764001eacd940a03db01100000303e90000ea600f162d96", "68ebe3cb22c0",
            640, 480, "avc1.64001E", 60000 / 1001.0 / 2, true, 2),

        // testsrc2=size=320x240:rate=30, -profile:v high -pix_fmt yuv420p -x264-params keyint=1
        // High Intra (constraint_set3): VUI timing but no bitstream_restriction.
        ["high_intra_no_restriction"] = new(
            "6764100dacb8283f60220000030002000003007808", "68ee0f2c8b",
            320, 240, "avc1.64100D", 30, false, null),

        // OpenH264, not x264: /usr/bin/gst-launch-1.0 videotestsrc num-buffers=1
        //   ! video/x-raw,width=176,height=144,framerate=15/1 ! openh264enc ! video/x-h264,stream-format=byte-stream ! filesink
        // VUI with bitstream_restriction but no timing info, so no frame rate.
        ["openh264_176x144_no_timing"] = new(
            "6742d00b8c8d41626403c2211a80", "68ce3c80",
            176, 144, "avc1.42D00B", null, true, 0),
    };

    public static TheoryData<string> Names => new(All.Keys);
}
