using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace LiveMux.Server.Tests;

/// <summary>The built server's command line: --help and --log-format, run as users run it.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_usage_and_exits_0_without_starting(string flag)
    {
        var port = FreePort();
        var (exit, stdout, stderr) = await RunAsync(flag, $"--urls=http://127.0.0.1:{port}", "--LiveMux:Streams:cam:Url=rtsp://127.0.0.1:9/x");
        Assert.Equal(0, exit);
        Assert.Equal(HelpText.Text, stdout);
        Assert.Equal("", stderr);

        // It did not listen: the port is still free.
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
    }

    [Fact]
    public async Task Json_logs_are_one_object_per_line_even_for_a_configuration_error()
    {
        var (exit, stdout, _) = await RunAsync("--log-format", "json", "--LiveMux:Streams:cam:Url=rtsp://admin:hunter2-secret@cam.example/x", "--LiveMux:Streams:cam:IdleTimeout=-00:00:01");
        Assert.Equal(2, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(3001, doc.RootElement.GetProperty("EventId").GetInt32());
            Assert.Equal("Error", doc.RootElement.GetProperty("LogLevel").GetString());
            Assert.Contains("IdleTimeout", doc.RootElement.GetProperty("State").GetProperty("Error").GetString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("hunter2-secret", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_address_is_a_clear_error_and_exit_code_3_not_a_crash()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (exit, stdout, stderr) = await RunAsync($"--urls=http://127.0.0.1:{port}", "--LiveMux:Demo=false");
        Assert.True(exit == 3, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains($"Cannot start: Failed to bind to address http://127.0.0.1:{port}: address already in use.", stdout, StringComparison.Ordinal);
        Assert.Contains("choose another address with --urls", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_log_format_is_a_configuration_error()
    {
        var (exit, _, stderr) = await RunAsync("--log-format", "xml");
        Assert.Equal(2, exit);
        Assert.Contains("--log-format must be json or text", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LiveMux.Server.dll"));
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LiveMux__Rtsp__Port"] = "0";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
