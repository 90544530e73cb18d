using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LiveMux.Tests;

/// <summary>
/// One of tests/tools' Python scripts running in the background: every line it prints (stdout and stderr) is
/// kept for failure messages and shown to a handler, and it is ready once it prints a line matching a pattern.
/// </summary>
internal sealed class ToolScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<Match> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Regex _readyLine;
    private readonly Action<string> _onLine;
    private readonly string _name;
    private int _disposed;

    private ToolScript(Process process, string name, Regex readyLine, Action<string> onLine)
    {
        _process = process;
        _name = name;
        _readyLine = readyLine;
        _onLine = onLine;
    }

    /// <summary>Everything the script printed so far.</summary>
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

    /// <summary>The script's process id, for signals (SIGSTOP/SIGCONT) sent by fault tests.</summary>
    public int Pid => _process.Id;

    /// <summary>Lines printed so far, for waiting on the answer to a command.</summary>
    public int LineCount
    {
        get
        {
            lock (_output)
            {
                return _output.Count;
            }
        }
    }

    /// <summary>Starts <paramref name="script"/> and returns the match of its ready line, or throws with its output.</summary>
    public static async Task<(ToolScript Script, Match Ready)> StartAsync(
        string name, string script, IEnumerable<string> args, Regex readyLine, Action<string>? onLine = null, bool stdin = false)
    {
        Tool.Require(Tool.Python);
        var info = new ProcessStartInfo(Tool.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var tool = new ToolScript(Process.Start(info)!, name, readyLine, onLine ?? (_ => { }));
        tool._process.OutputDataReceived += (_, e) => tool.OnLine(e.Data);
        tool._process.ErrorDataReceived += (_, e) => tool.OnLine(e.Data);
        tool._process.BeginOutputReadLine();
        tool._process.BeginErrorReadLine();
        var finished = await Task.WhenAny(tool._ready.Task, Task.Delay(TimeSpan.FromSeconds(20)));
        if (finished != tool._ready.Task)
        {
            await tool.DisposeAsync();
            throw new InvalidOperationException($"{name} did not start:\n{tool.Output}");
        }

        return (tool, await tool._ready.Task);
    }

    /// <summary>Writes a command line to the script's stdin and waits for a line matching <paramref name="answer"/>.</summary>
    public async Task<string> CommandAsync(string command, string answer, TimeSpan timeout)
    {
        var seen = LineCount;
        await SendAsync(command);
        var rx = new Regex(answer);
        var deadline = DateTime.UtcNow + timeout;
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

            Assert.True(DateTime.UtcNow < deadline, $"{_name} did not answer '{command}':\n{Output}");
            await Task.Delay(20);
        }
    }

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException($"{_name} exited:\n{Output}"));
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (_readyLine.Match(line) is { Success: true } ready)
        {
            _ready.TrySetResult(ready);
        }

        _onLine(line);
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
}
