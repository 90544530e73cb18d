using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>Short test clips made by ffmpeg from its lavfi test sources, for ffmpeg-sourced streams.</summary>
internal static class Clips
{
    /// <summary>A 2 s 320x240 25 fps clip with a 440 Hz tone, encoded with <paramref name="codecArgs"/>.</summary>
    public static async Task<string> CreateAsync(string name, params string[] codecArgs)
    {
        var path = Path.Combine(RepoPaths.ArtifactDirectory, name);
        string[] args =
        [
            "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "2", "-pix_fmt", "yuv420p", "-g", "25", .. codecArgs, path,
        ];
        var (code, _, stderr) = await Tool.RunAsync("ffmpeg", args, TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"ffmpeg could not make {name}: {stderr}");
        return path;
    }
}
