using System.Text.Json;

namespace LiveMux.Media.Tests.Mp4;

/// <summary>What ffmpeg and ffprobe, the independent judges, say about an MP4 file's first video stream.</summary>
internal sealed record FfmpegJudgement(string DecoderOutput, string Codec, string Tag, int Width, int Height, int Frames, int[] Keyframes)
{
    public static FfmpegJudgement Of(string mp4)
    {
        var decode = ExternalTool.Run("ffmpeg", "-v", "error", "-i", mp4, "-f", "null", "-");
        Assert.Equal(0, decode.ExitCode);

        var probe = ExternalTool.Run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=nb_read_frames,width,height,codec_name,codec_tag_string", "-of", "json", mp4);
        Assert.True(probe.ExitCode == 0, probe.Stderr);
        Assert.Equal("", probe.Stderr);
        var stream = JsonDocument.Parse(probe.Stdout).RootElement.GetProperty("streams")[0];

        var framesProbe = ExternalTool.Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_frames",
            "-show_entries", "frame=key_frame", "-of", "csv=p=0", mp4);
        Assert.True(framesProbe.ExitCode == 0, framesProbe.Stderr);
        var keyFlags = framesProbe.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        return new FfmpegJudgement(
            decode.Stderr + decode.Stdout,
            stream.GetProperty("codec_name").GetString()!,
            stream.GetProperty("codec_tag_string").GetString()!,
            stream.GetProperty("width").GetInt32(),
            stream.GetProperty("height").GetInt32(),
            int.Parse(stream.GetProperty("nb_read_frames").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            [.. keyFlags.Select((flag, i) => (flag, i)).Where(x => x.flag.StartsWith('1')).Select(x => x.i)]);
    }
}
