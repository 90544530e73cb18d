using System.Diagnostics;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// ffmpeg publishing to a publish stream (ANNOUNCE/RECORD) over UDP and TCP, watched in Chromium: it plays once the
/// publisher starts, a wrong password is refused, and an open player resumes when the publisher comes back.
/// </summary>
[Collection("e2e")]
public sealed class RtspPublishTests(ITestOutputHelper output)
{
    private const string Password = "publish-password-1";

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task A_published_stream_plays_in_chromium_and_resumes_after_the_publisher_restarts(string transport)
    {
        var clip = await Clips.CreateAsync($"publish-{transport}.mp4", "-c:v", "libx264", "-bf", "0", "-c:a", "aac");
        var (server, rtsp) = await RtspRig.StartAsync("--LiveMux:Streams:pub:Publish=true", $"--LiveMux:Streams:pub:PublishPassword={Password}");
        await using var _ = server;
        var url = $"rtsp://someone:{Password}@{rtsp[7..]}/pub";

        await using var browser = await Browser.LaunchAsync();
        var (page, _) = await browser.OpenAsync(new Uri(server.BaseUrl, "player.html?src=pub"));
        var waiting = await server.StreamAsync("pub");
        Assert.Equal("waiting for the publisher", waiting.GetProperty("error").GetString());

        // A wrong password is refused, with the reason in ffmpeg's own words.
        var (wrongExit, _, wrongErrors) = await Tool.RunAsync("ffmpeg",
            ["-v", "error", "-re", "-i", clip, "-c", "copy", "-f", "rtsp", "-rtsp_transport", transport, $"rtsp://someone:wrong-password@{rtsp[7..]}/pub"],
            TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, wrongExit);
        Assert.Contains("401", wrongErrors, StringComparison.Ordinal);

        var started = Stopwatch.StartNew();
        using (var publisher = Publish(clip, transport, url))
        {
            var playing = await PlayerState.WaitAsync(page, s => s.Frames > 0, TimeSpan.FromSeconds(15), "the player shows the published stream");
            var firstPicture = started.Elapsed;
            output.WriteLine($"{transport}: first picture {firstPicture.TotalMilliseconds:0} ms after the publisher was started");
            Assert.Equal(320, playing.Width);

            // The bound includes ffmpeg's own start and its ANNOUNCE, SETUP and RECORD: more than LiveMux's share.
            Assert.True(firstPicture < TimeSpan.FromSeconds(3), $"first picture {firstPicture.TotalMilliseconds:0} ms after the publisher was started");
            var live = await server.StreamAsync("pub");
            Assert.Equal(transport, live.GetProperty("publisher").GetProperty("transport").GetString());
            await PlayerState.WaitAsync(page, s => s.Frames >= 50, TimeSpan.FromSeconds(15), "the player keeps playing");

            publisher.Kill(entireProcessTree: true);
            await publisher.WaitForExitAsync();
        }

        // The publisher is gone without a TEARDOWN: the stream waits for it again, the player stays open.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await server.StreamAsync("pub")).GetProperty("error").GetString() != "waiting for the publisher")
        {
            Assert.True(DateTime.UtcNow < deadline, "the stream did not go back to waiting for the publisher");
            await Task.Delay(100);
        }

        var before = (await PlayerState.ReadAsync(page)).Frames;
        using (var again = Publish(clip, transport, url))
        {
            await PlayerState.WaitAsync(page, s => s.Frames >= before + 50, TimeSpan.FromSeconds(20), "the open player resumes with the new publisher");
            again.Kill(entireProcessTree: true);
            await again.WaitForExitAsync();
        }
    }

    private static Process Publish(string clip, string transport, string url)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-v", "error", "-re", "-stream_loop", "-1", "-i", clip, "-c", "copy", "-f", "rtsp", "-rtsp_transport", transport, url })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }
}
