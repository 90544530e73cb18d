using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LiveMux.Server.Tests;

/// <summary>
/// The built server as its own process (Kestrel, real sockets), from a working directory of the test's choosing,
/// on a free loopback port; its whole output is kept.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "LiveMux.Server.dll");

    public int Port { get; }

    public Uri BaseUrl { get; }

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

    /// <summary>Starts it with <c>--key=value</c> arguments and environment variables, and waits until it answers.</summary>
    public static async Task<ServerProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        // The free port is free when it is picked, not always when the server binds it: a parallel test's client
        // socket may take it in between. Only that is tried again, on another port.
        for (var attempt = 1; ; attempt++)
        {
            var server = await TryStartAsync(workingDirectory, environment, arguments);
            if (server._process.HasExited && attempt < 3 && server.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await server.DisposeAsync();
                continue;
            }

            Assert.False(server._process.HasExited, "LiveMux exited during start-up:\n" + server.Output);
            return server;
        }
    }

    /// <summary>The started server once it answers, or once it has exited.</summary>
    private static async Task<ServerProcess> TryStartAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ServerDll);
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["LiveMux__Rtsp__Port"] = "0"; // RTSP only where a test asks for it
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var server = new ServerProcess(Process.Start(info)!, port);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
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
                using var response = await http.GetAsync(new Uri(server.BaseUrl, "healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "LiveMux did not answer within 60 s:\n" + server.Output);
            await Task.Delay(200);
        }
    }

    /// <summary>Stops it with SIGTERM and waits for its output to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
