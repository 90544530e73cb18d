using System.Diagnostics;
using System.Text.RegularExpressions;
using LiveMux.Tests;

namespace LiveMux.Rtsp.Tests.Integration;

/// <summary>
/// GStreamer's RTSP server through the shared test camera (tests/tools/rtsp_camera.py), with Digest auth
/// on and the stream at /test. Fails, never skips, without GStreamer.
/// </summary>
internal sealed partial class GstRtspServer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;

    private GstRtspServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<GstRtspServer> StartAsync(string user, string password)
    {
        var script = RepoPaths.CameraScript;
        Assert.True(File.Exists(Python), $"{Python} is required for the GStreamer RTSP integration tests");
        Assert.True(File.Exists(script), $"missing {script}");
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { script, "--port", "0", "--path", "/test", "--user", user, "--password", password, "--fps", "30", "--gop", "30" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        string? line = null;
        try
        {
            while ((line = await process.StandardOutput.ReadLineAsync(timeout.Token)) is not null && !line.StartsWith("READY ", StringComparison.Ordinal))
            {
            }
        }
        catch (OperationCanceledException)
        {
            line = null;
        }

        if (line is null || Ready().Match(line) is not { Success: true } ready)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"GStreamer RTSP server did not start (is gir1.2-gst-rtsp-server-1.0 installed?): {line} {await stderr}");
            return null!;
        }

        // Keep draining stdout: the camera reports sessions there, and a full pipe would block it.
        _ = process.StandardOutput.ReadToEndAsync();
        return new GstRtspServer(process, int.Parse(ready.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"^READY port=(\d+) ")]
    private static partial Regex Ready();
}
