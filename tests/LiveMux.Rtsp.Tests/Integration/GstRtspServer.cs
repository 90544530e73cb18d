using System.Diagnostics;

namespace LiveMux.Rtsp.Tests.Integration;

/// <summary>Runs Tools/gst_rtsp_server.py (GStreamer's RTSP server, Digest auth). Fails, never skips, without GStreamer.</summary>
internal sealed class GstRtspServer : IAsyncDisposable
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
        var script = Path.Combine(AppContext.BaseDirectory, "Tools", "gst_rtsp_server.py");
        Assert.True(File.Exists(Python), $"{Python} is required for the GStreamer RTSP integration tests");
        Assert.True(File.Exists(script), $"missing {script}");
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(user);
        info.ArgumentList.Add(password);
        var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            line = null;
        }
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            process.Kill();
            await process.WaitForExitAsync();
            Assert.Fail($"GStreamer RTSP server did not start (is gir1.2-gst-rtsp-server-1.0 installed?): {line} {await stderr}");
        }
        return new GstRtspServer(process, int.Parse(line!["PORT ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close(); // the script exits when stdin closes
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
        _process.Dispose();
    }
}
