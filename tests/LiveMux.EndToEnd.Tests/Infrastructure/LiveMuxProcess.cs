using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>The real server, started as its own process the way users run it, on a free loopback port.</summary>
internal sealed class LiveMuxProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];
    private string? _streamsDirectory;

    private LiveMuxProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri BaseUrl { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int Pid => _process.Id;

    public Uri WebSocketUrl(string stream) => new($"ws://127.0.0.1:{Port}/api/ws?src={Uri.EscapeDataString(stream)}");

    /// <summary>Starts LiveMux with <c>--key=value</c> configuration arguments, and waits until it answers.</summary>
    public static async Task<LiveMuxProcess> StartAsync(params string[] configuration)
    {
        // The free port is free when it is picked, not always when the server binds it: another program's client
        // socket may take it in between. Only that is tried again, on another port.
        for (var attempt = 1; ; attempt++)
        {
            var server = await TryStartAsync(configuration);
            if (server._process.HasExited && attempt < 3 && server.Log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await server.DisposeAsync();
                continue;
            }

            Assert.False(server._process.HasExited, "LiveMux exited during start-up:\n" + server.Log);
            return server;
        }
    }

    /// <summary>The started server once it answers, or once it has exited.</summary>
    private static async Task<LiveMuxProcess> TryStartAsync(string[] configuration)
    {
        var port = FreePort();
        var serverDll = Path.Combine(AppContext.BaseDirectory, "LiveMux.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.ServerProject,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(serverDll);
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        foreach (var c in configuration)
        {
            info.ArgumentList.Add(c);
        }

        // Never the developer's streams.json in the project directory: its streams would join the test's.
        string? streamsDirectory = null;
        if (!configuration.Any(c => c.StartsWith("--LiveMux:StreamsFile=", StringComparison.OrdinalIgnoreCase)))
        {
            streamsDirectory = Path.Combine(Path.GetTempPath(), "livemux-e2e", Guid.NewGuid().ToString("N"));
            info.ArgumentList.Add($"--LiveMux:StreamsFile={Path.Combine(streamsDirectory, "streams.json")}");
        }

        // Each test server would otherwise take 8554 and 8000: RTSP only where a test asks for it (arguments win over the environment).
        info.Environment["LiveMux__Rtsp__Port"] = "0";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__LogLevel__Default"] = "Debug";
        info.Environment["Logging__LogLevel__Microsoft"] = "Warning";
        var server = new LiveMuxProcess(Process.Start(info)!, port) { _streamsDirectory = streamsDirectory };
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (server._process.HasExited)
            {
                // Its output ends once its pipes close: then it says why it exited.
                await server._process.WaitForExitAsync();
                return server;
            }

            try
            {
                using var response = await server.Http.GetAsync(new Uri(server.BaseUrl, "api/streams"));
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "LiveMux did not answer within 30 s:\n" + server.Log);
            await Task.Delay(200);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.Add(line);
            }
        }
    }

    /// <summary>
    /// Waits until the server's log holds <paramref name="text"/>. The console logger writes from its own queue, so a
    /// line about a request may reach the log after the request's answer reaches the test.
    /// </summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout, string? context = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the log never said \"{text}\" within {timeout.TotalSeconds:0.#} s\n{context}\n{Log}");
            await Task.Delay(50);
        }
    }

    public async Task<System.Text.Json.JsonElement> StreamAsync(string name)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync(new Uri(BaseUrl, "api/streams")));
        foreach (var s in doc.RootElement.GetProperty("streams").EnumerateArray())
        {
            if (s.GetProperty("name").GetString() == name)
            {
                return s.Clone();
            }
        }

        throw new InvalidOperationException($"stream {name} not in /api/streams");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Sends SIGTERM, as systemd or Ctrl-C would, and returns how long the process took to exit.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan timeout)
    {
        var started = DateTime.UtcNow;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return DateTime.UtcNow - started;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            // SIGTERM first: graceful shutdown tears down camera sessions.
            _ = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        if (_streamsDirectory is not null && Directory.Exists(_streamsDirectory))
        {
            Directory.Delete(_streamsDirectory, recursive: true);
        }
    }
}
