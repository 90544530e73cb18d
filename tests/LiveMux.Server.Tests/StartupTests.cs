using System.Diagnostics;

namespace LiveMux.Server.Tests;

/// <summary>The built server refuses to start on bad configuration: exit code 2 and a message naming the key.</summary>
public sealed class StartupTests
{
    public static TheoryData<string[], string[], string> Cases => new()
    {
        // arguments, expected in the output, never in the output
        { ["--LiveMux:Streams:bad name:Url=x"], ["LiveMux:Streams:bad name: stream names", "LiveMux:Streams:bad name:Url is not a valid RTSP URL"], "\u0000" },
        { ["--LiveMux:Streams:cam1:Url=http://admin:hunter2-secret@cam.example/live"], ["LiveMux:Streams:cam1:Url is not a valid RTSP URL"], "hunter2-secret" },
        { ["--LiveMux:Streams:cam1:Url=rtsp://admin:hunter2-secret@cam.example/live", "--LiveMux:Streams:cam1:IdleTimeout=-00:00:01"], ["LiveMux:Streams:cam1:IdleTimeout must be a positive"], "hunter2-secret" },
        { ["--LiveMux:Viewers:MaxQueuedFrames=1"], ["LiveMux:Viewers: MaxQueuedFrames"], "\u0000" },
        { ["--LiveMux:Streams:f:Ffmpeg:Input=a.mp4", "--LiveMux:Streams:f:Ffmpeg:Video=vp9"], ["LiveMux:Streams:f:Ffmpeg:Video"], "\u0000" },
        { ["--LiveMux:Streams:f:Ffmpeg:Input=a.mp4", "--LiveMux:Streams:f:Url=rtsp://admin:hunter2-secret@cam.example/live"], ["LiveMux:Streams:f: set either Url or Ffmpeg:Input, not both"], "hunter2-secret" },
        { ["--LiveMux:Streams:f:Ffmpeg:Input=a.mp4", "--LiveMux:Streams:f:Ffmpeg:Path=/usr/bin/ffmpeg"], ["LiveMux:Streams:f:Ffmpeg:Path is no longer a stream setting: set the ffmpeg binary once, in LiveMux:Ffmpeg:Path"], "\u0000" },
        { ["--LiveMux:Ffmpeg:Path=bin/ffmpeg"], ["LiveMux:Ffmpeg:Path must be an absolute path"], "\u0000" },
        { ["--LiveMux:Auth:Viewers=tokens"], ["LiveMux:Auth:Viewers"], "\u0000" },
        { ["--LiveMux:Auth:Viewers=token", "--LiveMux:Auth:ApiKey=hunter2-secret"], ["LiveMux:Auth:TokenSecret is required"], "hunter2-secret" },
        { ["--LiveMux:Auth:TokenSecret=hunter2-secret", "--LiveMux:Auth:Password=hunter3-secret"], ["LiveMux:Auth:TokenSecret must be at least 32", "LiveMux:Auth:Username and LiveMux:Auth:Password are set together"], "-secret" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Invalid_configuration_exits_with_code_2(string[] arguments, string[] expected, string secret)
    {
        var server = Path.Combine(AppContext.BaseDirectory, "LiveMux.Server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(server);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        // Should it start after all, it must not take the documented port or a camera.
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.ArgumentList.Add("--LiveMux:Demo=false");
        start.Environment["LiveMux__Rtsp__Port"] = "0";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";

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

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 2, $"exit code {process.ExitCode}: {output}");
        foreach (var e in expected)
        {
            Assert.Contains(e, output);
        }

        Assert.DoesNotContain(secret, output);
        Assert.Contains("Invalid configuration", output);
    }

    [Fact]
    public async Task A_streams_file_stream_beyond_what_the_api_allows_is_refused_at_start_up()
    {
        // What an older LiveMux's API accepted, read back after an upgrade: held to today's API limits.
        var directory = Directory.CreateTempSubdirectory("livemux-startup-");
        try
        {
            var file = Path.Combine(directory.FullName, "streams.json");
            await File.WriteAllTextAsync(file, "{\"LiveMux\":{\"Streams\":{\"old\":{\"Ffmpeg\":{\"Input\":\"/etc/passwd\",\"InputOptions\":\"-f tty\"}}}}}");
            await Invalid_configuration_exits_with_code_2(
                [$"--LiveMux:StreamsFile={file}"],
                [
                    "LiveMux:Streams:old:Ffmpeg:InputOptions: '-f tty': -f is not allowed through the API",
                    "LiveMux:Streams:old:Ffmpeg:Input must be a network URL",
                    $"(in {file}, the API's streams file)",
                ],
                "\u0000");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
