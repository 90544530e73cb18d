using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The wall clock that rtsp_camera.py --clock writes into each frame (its docstring has the layout), read from a
/// still picture the way bench/latency/measure.js reads it from a video: the middle 8x8 of each 16x16 cell, mean
/// luma &gt;= 128 is 1, guards and check byte must match. The picture is decoded by ffmpeg to gray, not by us.
/// </summary>
internal static class ClockBarcode
{
    private const int Cell = 16;
    private const int Cells = 32;

    /// <summary>
    /// The epoch milliseconds in <paramref name="image"/> (any format ffmpeg reads), or null when unreadable. A
    /// picture scaled down from the camera's is first scaled back to <paramref name="cameraWidth"/>.
    /// </summary>
    public static async Task<long?> ReadAsync(byte[] image, string name, int? cameraWidth = null)
    {
        var path = Path.Combine(RepoPaths.ArtifactDirectory, name);
        await File.WriteAllBytesAsync(path, image);
        var raw = Path.ChangeExtension(path, ".gray");
        var (code, _, stderr) = await Tool.RunAsync("ffmpeg", [
            "-v", "error", "-y", "-i", path, "-vf", (cameraWidth is { } w ? $"scale={w}:-2," : "") + $"crop={Cell * Cells}:{2 * Cell}:0:0", "-f", "rawvideo", "-pix_fmt", "gray", raw], TimeSpan.FromSeconds(30));
        Assert.True(code == 0, $"ffmpeg could not decode {path}: {stderr}");
        var gray = await File.ReadAllBytesAsync(raw);
        File.Delete(raw);
        return Read(gray, Cell * Cells);
    }

    public static long? Read(ReadOnlySpan<byte> gray, int stride)
    {
        if (gray.Length < stride * 2 * Cell)
        {
            return null;
        }

        var bits = new List<int>(56);
        for (var band = 0; band < 2; band++)
        {
            var cells = new int[Cells];
            for (var c = 0; c < Cells; c++)
            {
                var sum = 0;
                for (var y = (band * Cell) + 4; y < (band * Cell) + 12; y++)
                {
                    for (var x = (c * Cell) + 4; x < (c * Cell) + 12; x++)
                    {
                        sum += gray[(y * stride) + x];
                    }
                }

                cells[c] = sum / 64 >= 128 ? 1 : 0;
            }

            if (cells[0] != 1 || cells[1] != 0 || cells[30] != 0 || cells[31] != 1)
            {
                return null;
            }

            bits.AddRange(cells[2..30]);
        }

        long value = 0;
        for (var i = 0; i < 48; i++)
        {
            value = (value * 2) + bits[i];
        }

        var check = 0;
        for (var i = 48; i < 56; i++)
        {
            check = (check * 2) + bits[i];
        }

        var xor = 0;
        for (var i = 0; i < 6; i++)
        {
            xor ^= (int)((value >> (8 * i)) & 0xFF);
        }

        return xor == check ? value : null;
    }
}
