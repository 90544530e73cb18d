using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Tests.Rtp;

namespace LiveMux.Media.Tests.Mp4;

/// <summary>
/// The whole H.264 path checked by an independent decoder: x264 Annex B -> test packetizer (single, STAP-A and
/// FU-A at a small MTU) -> H264Depacketizer -> InitSegment + MediaFragment -> .mp4 -> ffmpeg and ffprobe.
/// Needs ffmpeg and ffprobe on PATH; without them these tests fail.
/// </summary>
public sealed class FfmpegAcceptsOutputTests : IDisposable
{
    private const int FrameCount = 90;
    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-ffmpeg-").FullName;

    [Theory]
    // MTUs picked so each clip uses all three packet types: at 1400, x264's 1-1.6 KB P slices are split
    // between single NAL and FU-A packets; at 300, the 4-slice clip's 250-1000 byte slices are too.
    [InlineData("single_slice", "", 1400)]
    [InlineData("four_slices", "slices=4", 300)]
    public void Ffmpeg_decodes_every_frame_of_the_muxed_output(string name, string x264Params, int mtu)
    {
        var h264 = Path.Combine(_dir, name + ".h264");
        var arguments = new List<string>
        {
            "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-frames:v", FrameCount.ToString(),
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-bf", "0", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0",
        };
        if (x264Params.Length > 0)
        {
            arguments.AddRange(["-x264-params", x264Params]);
        }

        arguments.AddRange(["-f", "h264", h264]);
        var encode = ExternalTool.Run("ffmpeg", [.. arguments]);
        Assert.True(encode.ExitCode == 0, encode.Stderr);

        // Split and check the input is what the test assumes.
        var accessUnits = TestAnnexB.GroupAccessUnits(TestAnnexB.SplitNalUnits(File.ReadAllBytes(h264)));
        Assert.Equal(FrameCount, accessUnits.Count);
        if (x264Params.Contains("slices=4"))
        {
            Assert.All(accessUnits, au => Assert.Equal(4, au.Count(n => (n[0] & 0x1F) is 1 or 5)));
        }

        // RTP timestamps start just below 2^32, so they wrap in the middle of the clip.
        const uint firstTimestamp = uint.MaxValue - (45 * SyntheticH264.FrameTicks) + 1;
        var frames = accessUnits.Select((nals, i) => new TestFrame(unchecked(firstTimestamp + ((uint)i * SyntheticH264.FrameTicks)), nals)).ToList();
        var packets = new Rfc6184TestPacketizer(new() { Mtu = mtu, FirstSequence = 65_000 }).Packetize(frames);
        var kinds = packets.Select(p => (p[12] & 0x1F) switch { 24 => "STAP-A", 28 => "FU-A", _ => "single" }).ToHashSet();
        Assert.Equal(3, kinds.Count);

        using var run = new DepacketizerHarness();
        run.Push(packets);
        Assert.Empty(run.Drops);
        Assert.Equal(FrameCount, run.Units.Count);
        for (var i = 0; i < FrameCount; i++)
        {
            Assert.Equal(SyntheticH264.ExpectedSample(frames[i]), run.Units[i].Data);
        }

        var mp4 = Path.Combine(_dir, name + ".mp4");
        WriteMp4(mp4, run.Depacketizer.Config!, run.Units);

        // The decoder reports nothing at all; every frame is there, at the right size, as H.264, with keyframes
        // exactly at 0, 30 and 60.
        var judged = FfmpegJudgement.Of(mp4);
        Assert.Equal("", judged.DecoderOutput);
        Assert.Equal(("h264", "avc1", 320, 240), (judged.Codec, judged.Tag, judged.Width, judged.Height));
        Assert.Equal(FrameCount, judged.Frames);
        Assert.Equal([0, 30, 60], judged.Keyframes);
    }

    /// <summary>Init segment, then one moof+mdat per access unit; tfdt is the unwrapped RTP time.</summary>
    internal static void WriteMp4(string path, TrackConfig config, List<CapturedUnit> units)
    {
        using var file = File.Create(path);
        file.Write(InitSegment.Build([config]));
        var buffer = new byte[MediaFragment.HeaderSize + units.Max(u => u.Data.Length)];
        for (var i = 0; i < units.Count; i++)
        {
            var duration = i + 1 < units.Count
                ? units[i + 1].Timestamp - units[i].Timestamp
                : units[i].Timestamp - units[i - 1].Timestamp;
            var header = new FragmentHeader((uint)(i + 1), 1, (ulong)units[i].Timestamp, (uint)duration, units[i].Data.Length, units[i].IsKeyframe);
            var written = MediaFragment.Write(buffer, header, units[i].Data);
            file.Write(buffer, 0, written);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
