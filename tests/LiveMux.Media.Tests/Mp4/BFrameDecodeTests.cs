using System.Text.Json;
using LiveMux.Media.Rtp;
using LiveMux.Media.Tests.Rtp;

namespace LiveMux.Media.Tests.Mp4;

/// <summary>
/// B-frames through the whole path, checked by an independent decoder: x264 with B-frames -> H264Packetizer
/// (RTP carries presentation times only) -> H264Depacketizer (decode times estimated) -> trun v1 with
/// composition offsets -> ffmpeg decodes it cleanly and shows every frame at its original presentation time.
/// </summary>
public sealed class BFrameDecodeTests : IDisposable
{
    private const int Frames = 60;
    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-bframes-").FullName;

    public static TheoryData<string, string[]> Clips => new()
    {
        { "bf2_defaults", ["-bf", "2", "-g", "30"] },
        { "ibbp_no_pyramid", ["-bf", "2", "-g", "30", "-x264-params", "b-adapt=0:b-pyramid=none:scenecut=0"] },
        { "bf3_pyramid", ["-bf", "3", "-g", "30", "-x264-params", "b-adapt=0:b-pyramid=normal:scenecut=0"] },
        { "ibp_fixed", ["-bf", "1", "-g", "30", "-x264-params", "b-adapt=0:scenecut=0"] },
    };

    [Theory]
    [MemberData(nameof(Clips))]
    public void Ffmpeg_decodes_every_frame_in_presentation_order(string name, string[] x264Arguments)
    {
        var clip = EncodedClip.Encode(_dir, name, Frames, 30, "320x240", x264Arguments);
        var trueDepth = clip.Pts.Select((p, i) => clip.Pts.Take(i).Count(q => q > p)).Max();
        Assert.True(trueDepth > 0, $"{name}: x264 made no B-frames");

        // Starts 20 frames below 2^32: the RTP clock wraps inside the clip.
        using var run = new DepacketizerHarness();
        run.Push(clip.Packetize(uint.MaxValue - (20 * 3000) + 1));
        Assert.Empty(run.Drops);
        Assert.Equal(Frames, run.Units.Count);
        Assert.True(run.Depacketizer.ReorderDepth >= trueDepth, $"depth {run.Depacketizer.ReorderDepth} below the clip's {trueDepth}");

        var units = run.Units;
        for (var i = 0; i < units.Count; i++)
        {
            Assert.Equal(clip.Pts[i] - clip.Pts[0], units[i].Timestamp - units[0].Timestamp);
            Assert.True(units[i].DecodeTimestamp <= units[i].Timestamp, $"frame {i}: dts {units[i].DecodeTimestamp} above pts {units[i].Timestamp}");
            Assert.True(i == 0 || units[i].DecodeTimestamp > units[i - 1].DecodeTimestamp, $"frame {i}: dts not increasing");
        }

        var mp4 = Path.Combine(_dir, name + ".mp4");
        EncodedClip.WriteMp4(mp4, run.Depacketizer.Config!, units);

        var decode = ExternalTool.Run("ffmpeg", "-v", "error", "-i", mp4, "-f", "null", "-");
        Assert.Equal(0, decode.ExitCode);
        Assert.Equal("", decode.Stderr + decode.Stdout);

        // Frames come out of the decoder in display order, each at pts = its RTP time from the first decode time.
        var frames = ExternalTool.Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_frames", "-show_entries", "frame=pts", "-of", "json", mp4);
        Assert.True(frames.ExitCode == 0, frames.Stderr);
        Assert.Equal("", frames.Stderr);
        var shown = JsonDocument.Parse(frames.Stdout).RootElement.GetProperty("frames").EnumerateArray()
            .Select(f => f.GetProperty("pts").GetInt64()).ToList();
        var origin = units[0].DecodeTimestamp;
        Assert.Equal(units.Select(u => u.Timestamp - origin).Order(), shown);
        Assert.All(shown.Zip(shown.Skip(1)), pair => Assert.True(pair.Second > pair.First));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
