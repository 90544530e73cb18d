using System.Text.Json;
using System.Text.RegularExpressions;
using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Tests.Rtp;

namespace LiveMux.Media.Tests.Mp4;

/// <summary>
/// A camera whose SPS lacks bitstream_restriction (x264's, stripped by tests/tools/sps_strip.py) through the
/// whole path: the depacketizer keeps the camera's SPS, the browsers' avcC (what the MSE egress writes,
/// <see cref="H264ParameterSets.ForBrowsers"/>) carries it with the restriction added, and ffmpeg reads it there
/// (trace_headers) and decodes every frame without a complaint.
/// </summary>
public sealed class SpsRewriteDecodeTests : IDisposable
{
    private const int Frames = 20;
    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-sps-").FullName;

    [Theory]
    [InlineData("high_restriction_removed", "high", false)]
    [InlineData("high_vui_removed", "high", true)]
    [InlineData("baseline_vui_removed", "baseline", true)]
    public void Rewritten_avcC_is_read_and_decoded_by_ffmpeg(string name, string profile, bool wholeVui)
    {
        var clip = EncodedClip.Encode(_dir, name, Frames, 5, "640x360", "-profile:v", profile, "-bf", "0", "-g", "10")
            .MapSps(sps => Strip(sps, wholeVui));
        Assert.Contains(Trace(clip.AccessUnits[0]), l => l.Contains("bitstream_restriction_flag") || (wholeVui && l.Contains("vui_parameters_present_flag")));
        Assert.DoesNotContain(Trace(clip.AccessUnits[0]), l => Regex.IsMatch(l, @"bitstream_restriction_flag\s+1 = 1"));

        using var run = new DepacketizerHarness();
        run.Push(clip.Packetize(1_000_000));
        Assert.Empty(run.Drops);
        Assert.Equal(Frames, run.Units.Count);
        Assert.Equal(0, run.Depacketizer.ReorderDepth);

        var mp4 = Path.Combine(_dir, name + ".mp4");
        var camera = run.Depacketizer.Config!;
        Assert.Contains(Convert.ToHexString(clip.AccessUnits[0].First(nal => (nal[0] & 0x1F) == 7)), Convert.ToHexString(camera.SampleEntry));
        var browsers = H264ParameterSets.ForBrowsers(camera);
        Assert.NotSame(camera, browsers);
        EncodedClip.WriteMp4(mp4, browsers, run.Units);

        var decode = ExternalTool.Run("ffmpeg", "-v", "error", "-i", mp4, "-f", "null", "-");
        Assert.Equal(0, decode.ExitCode);
        Assert.Equal("", decode.Stderr + decode.Stdout);

        var probe = ExternalTool.Run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=nb_read_frames,width,height,has_b_frames", "-of", "json", mp4);
        Assert.Equal("", probe.Stderr);
        var stream = JsonDocument.Parse(probe.Stdout).RootElement.GetProperty("streams")[0];
        Assert.Equal(Frames.ToString(), stream.GetProperty("nb_read_frames").GetString());
        Assert.Equal(640, stream.GetProperty("width").GetInt32());
        Assert.Equal(0, stream.GetProperty("has_b_frames").GetInt32());

        // The only SPS ffmpeg sees is the avcC's (samples carry none), and it states no reordering.
        var trace = ExternalTool.Run("ffmpeg", "-v", "trace", "-i", mp4, "-c", "copy", "-bsf:v", "trace_headers", "-f", "null", "-");
        var lines = trace.Stderr.Split('\n').Where(l => l.Contains("[trace_headers")).ToList();
        Assert.Single(lines, l => l.Contains("Sequence Parameter Set"));
        Assert.Single(lines, l => Regex.IsMatch(l, @"bitstream_restriction_flag\s+1 = 1$"));
        Assert.Single(lines, l => Regex.IsMatch(l, @"max_num_reorder_frames\s+1 = 0$"));
    }

    /// <summary>Runs the camera's SPS strip tool on one SPS.</summary>
    private byte[] Strip(byte[] sps, bool wholeVui)
    {
        var input = Path.Combine(_dir, "sps.h264");
        var output = Path.Combine(_dir, "sps.stripped.h264");
        File.WriteAllBytes(input, [0, 0, 0, 1, .. sps]);
        var run = ExternalTool.Run("/usr/bin/python3", [EncodedClip.SpsStripScript, input, output, .. wholeVui ? ["--whole-vui"] : Array.Empty<string>()]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var stripped = File.ReadAllBytes(output)[4..];
        Assert.NotEqual(sps, stripped);
        return stripped;
    }

    private List<string> Trace(List<byte[]> accessUnit)
    {
        var path = Path.Combine(_dir, "first.h264");
        File.WriteAllBytes(path, accessUnit.SelectMany(n => (byte[])[0, 0, 0, 1, .. n]).ToArray());
        var trace = ExternalTool.Run("ffmpeg", "-v", "trace", "-i", path, "-c", "copy", "-bsf:v", "trace_headers", "-f", "null", "-");
        return trace.Stderr.Split('\n').Where(l => l.Contains("[trace_headers")).ToList();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
