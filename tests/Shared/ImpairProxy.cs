using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LiveMux.Tests;

/// <summary>
/// tests/tools/rtsp_impair_proxy.py between a client and a camera: RTP over UDP relayed with loss, reordering and
/// delay; the whole path can be cut and restored. Point the client at <see cref="Url"/>.
/// </summary>
internal sealed partial class ImpairProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];
    private int _disposed;

    private ImpairProxy(Process process) => _process = process;

    public int Port { get; private set; }

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

    /// <summary>The camera's stream through the proxy (the proxy forwards every path).</summary>
    public string Url(string path, string? user = null, string? password = null) =>
        user is null
            ? $"rtsp://127.0.0.1:{Port}{path}"
            : $"rtsp://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password!)}@127.0.0.1:{Port}{path}";

    /// <param name="lossPercent">RTP packets dropped, percent</param>
    /// <param name="reorderPercent">RTP packets sent 1-3 places late, percent</param>
    public static async Task<ImpairProxy> StartAsync(
        int upstreamPort, double lossPercent = 0, double reorderPercent = 0, double delayMs = 0, int seed = 1)
    {
        Tool.Require(Tool.Python);
        var info = new ProcessStartInfo(Tool.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            RepoPaths.ImpairProxyScript, "--upstream", $"127.0.0.1:{upstreamPort.ToString(CultureInfo.InvariantCulture)}", "--port", "0",
            "--loss", lossPercent.ToString(CultureInfo.InvariantCulture), "--reorder", reorderPercent.ToString(CultureInfo.InvariantCulture),
            "--delay-ms", delayMs.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture),
        ];
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        var proxy = new ImpairProxy(Process.Start(info)!);
        proxy._process.OutputDataReceived += (_, e) => proxy.OnLine(e.Data);
        proxy._process.ErrorDataReceived += (_, e) => proxy.OnLine(e.Data);
        proxy._process.BeginOutputReadLine();
        proxy._process.BeginErrorReadLine();
        var finished = await Task.WhenAny(proxy._ready.Task, Task.Delay(TimeSpan.FromSeconds(20)));
        if (finished != proxy._ready.Task)
        {
            await proxy.DisposeAsync();
            throw new InvalidOperationException("impair proxy did not start:\n" + proxy.Output);
        }
        proxy.Port = await proxy._ready.Task;
        return proxy;
    }

    /// <summary>An outage: UDP dropped, TCP no longer forwarded (nothing is closed).</summary>
    public Task CutAsync() => CommandAsync("cut", "^CUT$");

    public Task RestoreAsync() => CommandAsync("restore", "^RESTORED$");

    /// <summary>Closes every proxied TCP connection.</summary>
    public async Task ResetAsync()
    {
        await _process.StandardInput.WriteLineAsync("reset");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The proxy's own counters of relayed RTP.</summary>
    public async Task<(long In, long Out, long Dropped, long Reordered)> StatsAsync()
    {
        var line = await CommandAsync("stats", "^STATS ");
        var m = StatsLine().Match(line);
        Assert.True(m.Success, line);
        long G(int i) => long.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture);
        return (G(1), G(2), G(3), G(4));
    }

    private async Task<string> CommandAsync(string command, string expect)
    {
        int seen;
        lock (_output)
        {
            seen = _output.Count;
        }
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        var rx = new Regex(expect);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            lock (_output)
            {
                for (var i = seen; i < _output.Count; i++)
                {
                    if (rx.IsMatch(_output[i]))
                    {
                        return _output[i];
                    }
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"impair proxy did not answer '{command}':\n{Output}");
            await Task.Delay(20);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException("impair proxy exited:\n" + Output));
            return;
        }
        lock (_output)
        {
            _output.Add(line);
        }
        if (ReadyLine().Match(line) is { Success: true } ready)
        {
            _ready.TrySetResult(int.Parse(ready.Groups[1].Value, CultureInfo.InvariantCulture));
        }
    }

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

    [GeneratedRegex(@"^READY port=(\d+)")]
    private static partial Regex ReadyLine();

    [GeneratedRegex(@"^STATS rtp_in=(\d+) rtp_out=(\d+) dropped=(\d+) reordered=(\d+)")]
    private static partial Regex StatsLine();
}
