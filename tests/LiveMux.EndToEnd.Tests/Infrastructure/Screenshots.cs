using System.Globalization;
using LiveMux.Tests;
using Microsoft.Playwright;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Screenshots written to artifacts/e2e and judged by ffmpeg's PNG decoder, not the browser's: a picture
/// that is one flat colour (a black, blank or frozen-at-nothing tile) has a luma spread near zero.
/// </summary>
internal static class Screenshots
{
    public static async Task<string> SaveAsync(IElementHandle element, string name)
    {
        var path = Path.Combine(RepoPaths.ArtifactDirectory, name + ".png");
        await element.ScreenshotAsync(new ElementHandleScreenshotOptions { Path = path });
        return path;
    }

    public static async Task<string> SaveAsync(IPage page, string name)
    {
        var path = Path.Combine(RepoPaths.ArtifactDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>Standard deviation of the 8-bit luma over every pixel of a PNG.</summary>
    public static async Task<double> LumaStdDevAsync(string png)
    {
        var raw = Path.ChangeExtension(png, ".gray");
        var (code, _, stderr) = await Tool.RunAsync(
            "ffmpeg", ["-v", "error", "-y", "-i", png, "-pix_fmt", "gray", "-f", "rawvideo", raw], TimeSpan.FromSeconds(30));
        Assert.True(code == 0, $"ffmpeg could not decode {png}: {stderr}");
        var pixels = await File.ReadAllBytesAsync(raw);
        File.Delete(raw);
        Assert.True(pixels.Length > 0, $"{png} decoded to no pixels");
        double sum = 0, sumSquares = 0;
        foreach (var p in pixels)
        {
            sum += p;
            sumSquares += (double)p * p;
        }

        var mean = sum / pixels.Length;
        return Math.Sqrt(Math.Max(0, (sumSquares / pixels.Length) - (mean * mean)));
    }

    public static string Format(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
