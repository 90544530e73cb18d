using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LiveMux.Tests;

/// <summary>
/// GStreamer's RTSP server (tests/tools/rtsp_camera.py) as a camera: a real server nobody here wrote.
/// It reports its port and how many RTSP sessions it holds on stdout.
/// </summary>
internal sealed partial class TestCamera : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];
    private int _sessions;
    private int _maxSessions;

    private TestCamera(Process process) => _process = process;

    public int Port { get; private set; }

    public string Path { get; private set; } = "/cam";

    /// <summary>rtsp, or rtsps when started with --tls-cert.</summary>
    public string Scheme { get; private set; } = "rtsp";

    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>The most sessions the camera held at once.</summary>
    public int MaxSessions => Volatile.Read(ref _maxSessions);

    public string Url(string? user = null, string? password = null) =>
        user is null ? $"{Scheme}://127.0.0.1:{Port}{Path}" : $"{Scheme}://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password!)}@127.0.0.1:{Port}{Path}";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static async Task<TestCamera> StartAsync(int port = 0, params string[] args)
    {
        Tool.Require(Tool.Python);
        var info = new ProcessStartInfo(Tool.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(RepoPaths.CameraScript);
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var camera = new TestCamera(Process.Start(info)!);
        camera._process.OutputDataReceived += (_, e) => camera.OnLine(e.Data);
        camera._process.ErrorDataReceived += (_, e) => camera.OnLine(e.Data);
        camera._process.BeginOutputReadLine();
        camera._process.BeginErrorReadLine();
        var finished = await Task.WhenAny(camera._ready.Task, Task.Delay(TimeSpan.FromSeconds(20)));
        if (finished != camera._ready.Task)
        {
            await camera.DisposeAsync();
            throw new InvalidOperationException("test camera did not start:\n" + camera.Output);
        }

        camera.Port = await camera._ready.Task;
        return camera;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException("test camera exited:\n" + Output));
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (Ready().Match(line) is { Success: true } ready)
        {
            Scheme = ready.Groups[2].Value;
            Path = ready.Groups[3].Value;
            _ready.TrySetResult(int.Parse(ready.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (SessionsLine().Match(line) is { Success: true } sessions)
        {
            var n = int.Parse(sessions.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Volatile.Write(ref _sessions, n);
            lock (_output)
            {
                _maxSessions = Math.Max(_maxSessions, n);
            }
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

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"^READY port=(\d+) url=(rtsps?)://[^/]+(/\S*)")]
    private static partial Regex Ready();

    [GeneratedRegex(@"^SESSIONS n=(\d+)")]
    private static partial Regex SessionsLine();
}
