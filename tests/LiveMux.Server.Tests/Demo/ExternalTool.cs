using System.Diagnostics;

namespace LiveMux.Server.Tests.Demo;

/// <summary>Runs ffmpeg/ffprobe. A missing tool throws (Win32Exception), so such tests fail rather than skip.</summary>
internal static class ExternalTool
{
    public static async Task<(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)> RunAsync(
        string tool, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var watch = Stopwatch.StartNew();
        using Process process = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} did not start.");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }
}
