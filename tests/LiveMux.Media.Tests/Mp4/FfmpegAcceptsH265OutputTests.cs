using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H265;
using LiveMux.Media.Tests.Rtp;

namespace LiveMux.Media.Tests.Mp4;

/// <summary>
/// The whole H.265 path checked by an independent decoder: x265 Annex B -> RFC 7798 test packetizer (single,
/// AP and FU) -> H265Depacketizer -> InitSegment + MediaFragment -> .mp4 -> ffmpeg and ffprobe.
/// Needs ffmpeg with libx265 and ffprobe on PATH; without them these tests fail.
/// </summary>
public sealed class FfmpegAcceptsH265OutputTests : IDisposable
{
    private const int FrameCount = 90;
    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-ffmpeg-h265-").FullName;

    [Theory]
    // 320x180 is coded as 320x184 with a conformance window, so the size checks the cropping. x265 makes
    // keyframes after the first CRA pictures (open GOP), so the keyframe check covers IDR and CRA.
    [InlineData("single_segment", "", 1000)]
    [InlineData("four_slices", ":slices=4", 300)]
    public void Ffmpeg_decodes_every_frame_of_the_muxed_output(string name, string x265Params, int mtu)
    {
        var h265 = Path.Combine(_dir, name + ".h265");
        var encode = ExternalTool.Run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
            "-frames:v", FrameCount.ToString(), "-c:v", "libx265", "-pix_fmt", "yuv420p",
            "-x265-params", $"log-level=error:bframes=0:keyint=30:min-keyint=30:scenecut=0{x265Params}", "-f", "hevc", h265);
        Assert.True(encode.ExitCode == 0, encode.Stderr);

        var accessUnits = GroupAccessUnits(TestAnnexB.SplitNalUnits(File.ReadAllBytes(h265)));
        Assert.Equal(FrameCount, accessUnits.Count);
        if (x265Params.Contains("slices"))
        {
            // 180 rows are three 64-row CTU rows: x265 makes one slice per row at most.
            Assert.All(accessUnits, au => Assert.Equal(3, au.Count(n => Type(n) < 32)));
        }

        var firstSliceTypes = accessUnits.Select(au => au.Select(Type).First(t => t < 32)).ToList();
        Assert.Equal(20, firstSliceTypes[0]); // IDR_N_LP
        Assert.Equal(21, firstSliceTypes[30]); // CRA
        Assert.Equal(21, firstSliceTypes[60]);

        // RTP timestamps start just below 2^32, so they wrap in the middle of the clip.
        const uint firstTimestamp = uint.MaxValue - (45 * SyntheticH265.FrameTicks) + 1;
        var frames = accessUnits.Select((nals, i) => new TestFrame(unchecked(firstTimestamp + ((uint)i * SyntheticH265.FrameTicks)), nals)).ToList();
        var packets = new Rfc7798TestPacketizer(new() { Mtu = mtu, FirstSequence = 65_000 }).Packetize(frames);
        var kinds = packets.Select(p => ((p[12] >> 1) & 0x3F) switch { 48 => "AP", 49 => "FU", _ => "single" }).ToHashSet();
        Assert.Equal(3, kinds.Count);

        using var run = new DepacketizerHarness(new H265Depacketizer());
        run.Push(packets);
        Assert.Empty(run.Drops);
        Assert.Equal(FrameCount, run.Units.Count);
        for (var i = 0; i < FrameCount; i++)
        {
            Assert.Equal(SyntheticH265.ExpectedSample(frames[i]), run.Units[i].Data);
        }

        var config = run.Depacketizer.Config!;
        Assert.Equal("hvc1.1.6.L60.90", config.Codec);
        var mp4 = Path.Combine(_dir, name + ".mp4");
        FfmpegAcceptsOutputTests.WriteMp4(mp4, config, run.Units);

        // The decoder reports nothing at all; every frame is there, at the cropped size, as HEVC in an hvc1
        // sample entry, with keyframes exactly at 0, 30 and 60.
        var judged = FfmpegJudgement.Of(mp4);
        Assert.Equal("", judged.DecoderOutput);
        Assert.Equal(("hevc", "hvc1", 320, 180), (judged.Codec, judged.Tag, judged.Width, judged.Height));
        Assert.Equal(FrameCount, judged.Frames);
        Assert.Equal([0, 30, 60], judged.Keyframes);
        Assert.Equal([0, 30, 60], run.Units.Select((u, i) => (u, i)).Where(x => x.u.IsKeyframe).Select(x => x.i));
    }

    private static int Type(byte[] nal) => (nal[0] >> 1) & 0x3F;

    /// <summary>
    /// H.265 7.4.2.4.4, independent of the code under test: once the current access unit has a slice, an AUD,
    /// VPS, SPS, PPS, prefix SEI or a slice with first_slice_segment_in_pic_flag begins the next one.
    /// </summary>
    private static List<List<byte[]>> GroupAccessUnits(IEnumerable<byte[]> nals)
    {
        var units = new List<List<byte[]>>();
        List<byte[]>? current = null;
        var hasSlice = false;
        foreach (var nal in nals)
        {
            var type = Type(nal);
            var isSlice = type < 32;
            var startsNew = current is null
                || (hasSlice && (type is >= 32 and <= 35 or 39 || (isSlice && (nal[2] & 0x80) != 0)));
            if (startsNew)
            {
                current = [];
                units.Add(current);
                hasSlice = false;
            }

            current!.Add(nal);
            hasSlice |= isSlice;
        }

        return units;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
