using System.Globalization;
using System.Text.RegularExpressions;

namespace LiveMux.Tests;

/// <summary>
/// GStreamer's RTSP server (tests/tools/rtsp_camera.py) as a camera: a real server nobody here wrote.
/// It reports its port and how many RTSP sessions it holds on stdout.
/// </summary>
internal sealed partial class TestCamera : IAsyncDisposable
{
    private ToolScript? _script;
    private int _sessions;
    private int _maxSessions;

    private TestCamera()
    {
    }

    public int Port { get; private set; }

    public string Path { get; private set; } = "/cam";

    /// <summary>rtsp, or rtsps when started with --tls-cert.</summary>
    public string Scheme { get; private set; } = "rtsp";

    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>The most sessions the camera held at once.</summary>
    public int MaxSessions => Volatile.Read(ref _maxSessions);

    public string Url(string? user = null, string? password = null) =>
        user is null ? $"{Scheme}://127.0.0.1:{Port}{Path}" : $"{Scheme}://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password!)}@127.0.0.1:{Port}{Path}";

    public string Output => _script?.Output ?? "";

    /// <summary>The camera process, for fault tests that freeze (SIGSTOP) or kill it.</summary>
    public int Pid => _script?.Pid ?? throw new InvalidOperationException("camera not started");

    public static async Task<TestCamera> StartAsync(int port = 0, params string[] args)
    {
        var camera = new TestCamera();
        var (script, ready) = await ToolScript.StartAsync(
            "test camera", RepoPaths.CameraScript, ["--port", port.ToString(CultureInfo.InvariantCulture), .. args], Ready(), camera.OnLine);
        camera._script = script;
        camera.Scheme = ready.Groups[2].Value;
        camera.Path = ready.Groups[3].Value;
        camera.Port = int.Parse(ready.Groups[1].Value, CultureInfo.InvariantCulture);
        return camera;
    }

    private void OnLine(string line)
    {
        if (SessionsLine().Match(line) is { Success: true } sessions)
        {
            var n = int.Parse(sessions.Groups[1].Value, CultureInfo.InvariantCulture);
            Volatile.Write(ref _sessions, n);
            int seen;
            do
            {
                seen = Volatile.Read(ref _maxSessions);
            }
            while (n > seen && Interlocked.CompareExchange(ref _maxSessions, n, seen) != seen);
        }
    }

    /// <summary>Waits until the camera reports <paramref name="expected"/> sessions.</summary>
    public async Task WaitForSessionsAsync(int expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Sessions != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"camera has {Sessions} sessions, expected {expected}\n{Output}");
            await Task.Delay(100);
        }
    }

    public ValueTask DisposeAsync() => _script?.DisposeAsync() ?? ValueTask.CompletedTask;

    [GeneratedRegex(@"^READY port=(\d+) url=(rtsps?)://[^/]+(/\S*)")]
    private static partial Regex Ready();

    [GeneratedRegex(@"^SESSIONS n=(\d+)")]
    private static partial Regex SessionsLine();
}
