using System.Diagnostics;
using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests;

/// <summary>deploy/livemux.service: systemd itself parses it without a warning, and its hardening scores well.</summary>
public sealed class SystemdUnitTests
{
    private static readonly string Unit = Path.Combine(RepoPaths.Root, "deploy", "livemux.service");

    [Fact]
    public async Task Systemd_accepts_the_unit_without_warnings()
    {
        var (exit, output) = await RunAsync("verify", Unit);
        Assert.True(exit == 0 && output.Trim().Length == 0, $"systemd-analyze verify exited {exit}:\n{output}");
    }

    [Fact]
    public async Task The_unit_is_hardened()
    {
        // Exposure is 0 (locked down) .. 10 (unsafe); --threshold counts tenths.
        var (exit, output) = await RunAsync("security", "--offline=yes", "--threshold=20", Unit);
        Assert.True(exit == 0, $"exposure above 2.0:\n{output}");
    }

    [Theory]
    [InlineData("StateDirectory=livemux")]
    [InlineData("Environment=LiveMux__StreamsFile=/var/lib/livemux/streams.json")]
    [InlineData("KillSignal=SIGTERM")]
    [InlineData("Restart=on-failure")]
    [InlineData("RestartPreventExitStatus=2")]
    [InlineData("DynamicUser=yes")]
    public void Sets(string line) => Assert.Contains(line, File.ReadAllLines(Unit));

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("systemd-analyze")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
