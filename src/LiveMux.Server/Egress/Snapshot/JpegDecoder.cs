using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LiveMux.Server.Egress.Snapshot;

/// <summary>
/// One ffmpeg run: an elementary stream from a keyframe on stdin, the last picture of it as a JPEG on stdout.
/// Only that picture is scaled and encoded (ffmpeg's select filter picks it by its index). Nothing from a request
/// reaches the command line but the validated width and height.
/// </summary>
internal static class JpegDecoder
{
    /// <summary>A JPEG of a scaled picture is well below this; more is a broken ffmpeg.</summary>
    private const int MaxJpegBytes = 32 * 1024 * 1024;
    private const int MaxStderrChars = 400;

    public static IReadOnlyList<string> Arguments(ElementaryStream video, int? width, int? height)
    {
        var filter = string.Create(CultureInfo.InvariantCulture, $"select=eq(n\\,{video.Frames - 1})");
        if (width is not null || height is not null)
        {
            // -2: the other side keeps the aspect ratio, rounded to an even number as the encoders like it.
            filter += string.Create(CultureInfo.InvariantCulture, $",scale={width ?? -2}:{height ?? -2}");
        }

        return
        [
            "-hide_banner", "-nostats", "-loglevel", "error",
            "-f", video.FfmpegFormat, "-i", "pipe:0",
            "-an", "-vf", filter, "-fps_mode", "passthrough", "-frames:v", "1",
            "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-q:v", "4", "-f", "image2pipe", "pipe:1",
        ];
    }

    /// <summary>The JPEG, or null with ffmpeg's reason. Killed when <paramref name="ct"/> fires.</summary>
    public static async Task<(byte[]? Jpeg, string Error)> RunAsync(string ffmpeg, ElementaryStream video, int? width, int? height, CancellationToken ct)
    {
        var info = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(video, width, height))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        try
        {
            var stderr = ReadStderrAsync(process.StandardError.BaseStream, ct);
            var stdout = ReadBoundedAsync(process.StandardOutput.BaseStream, ct);
            try
            {
                await process.StandardInput.BaseStream.WriteAsync(video.Bytes, ct).ConfigureAwait(false);
                await process.StandardInput.BaseStream.FlushAsync(ct).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // ffmpeg exited early (a broken stream): its stderr says why.
            }
            finally
            {
                process.StandardInput.Close();
            }

            var jpeg = await stdout.ConfigureAwait(false);
            var error = await stderr.ConfigureAwait(false);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            return jpeg is { Length: > 0 } && process.ExitCode == 0
                ? (jpeg, "")
                : (null, error.Length > 0 ? error : $"ffmpeg decoded no picture (exit code {process.ExitCode})");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxJpegBytes)
            {
                throw new InvalidDataException($"ffmpeg wrote more than {MaxJpegBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task<string> ReadStderrAsync(Stream stream, CancellationToken ct)
    {
        var text = new StringBuilder();
        var chunk = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            // Keep the end: the last lines say why ffmpeg stopped.
            text.Append(Encoding.UTF8.GetString(chunk, 0, read));
            if (text.Length > 4 * MaxStderrChars)
            {
                text.Remove(0, text.Length - MaxStderrChars);
            }
        }

        var all = text.ToString().Trim();
        return all.Length > MaxStderrChars ? all[^MaxStderrChars..] : all;
    }
}
