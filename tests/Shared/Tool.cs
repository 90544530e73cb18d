using System.Diagnostics;

namespace LiveMux.Tests;

/// <summary>External programs the tests rely on. A missing tool fails the test: CI must install it.</summary>
internal static class Tool
{
    public const string Python = "/usr/bin/python3";
    public const string Chromium = "/usr/bin/chromium";

    public static string Require(string path)
    {
        var resolved = path.Contains('/') ? path : Which(path);
        Assert.True(resolved is not null && File.Exists(resolved), $"required tool '{path}' is not installed; run the README's test command, which installs it");
        return resolved!;
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs a program to completion and returns its exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, IEnumerable<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(Require(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
