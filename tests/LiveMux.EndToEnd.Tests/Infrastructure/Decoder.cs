using System.Globalization;
using System.Text.Json;
using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>ffprobe and ffmpeg as the independent judges of the MP4 we produce.</summary>
internal static class Decoder
{
    public sealed record Report(string Codec, int Width, int Height, int Frames, int Keyframes, string DecodeErrors);

    public static async Task<Report> CheckAsync(byte[] mp4, string name)
    {
        var path = Path.Combine(RepoPaths.ArtifactDirectory, name + ".mp4");
        await File.WriteAllBytesAsync(path, mp4);

        var (code, stdout, stderr) = await Tool.RunAsync("ffprobe", [
            "-v", "error", "-select_streams", "v:0", "-count_frames",
            "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json", path], TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"ffprobe rejected {path}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        var stream = doc.RootElement.GetProperty("streams")[0];

        var (_, frames, _) = await Tool.RunAsync("ffprobe", [
            "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=key_frame", "-of", "csv=p=0", path], TimeSpan.FromSeconds(60));
        var keyframes = frames.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Trim().StartsWith('1'));

        var (_, _, decodeErrors) = await Tool.RunAsync("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"], TimeSpan.FromSeconds(60));
        return new Report(
            stream.GetProperty("codec_name").GetString()!,
            stream.GetProperty("width").GetInt32(),
            stream.GetProperty("height").GetInt32(),
            int.Parse(stream.GetProperty("nb_read_frames").GetString()!, CultureInfo.InvariantCulture),
            keyframes,
            decodeErrors.Trim());
    }
}
