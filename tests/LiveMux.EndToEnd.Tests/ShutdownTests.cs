using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>Graceful shutdown: viewers are told why, the camera session is torn down, and the process exits promptly.</summary>
[Collection("e2e")]
public sealed class ShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sigterm_ends_viewers_with_a_reason_and_tears_down_the_camera_session()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--gop", "30");
        await using var server = await LiveMuxProcess.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}");
        await using var viewer = await WsViewer.ConnectAsync(server.WebSocketUrl("cam"));
        await viewer.WaitForAsync(v => v.BinaryMessages > 10, TimeSpan.FromSeconds(15), "frames before shutdown");
        await camera.WaitForSessionsAsync(1, TimeSpan.FromSeconds(5));

        var exit = await server.TerminateAsync(TimeSpan.FromSeconds(15));
        output.WriteLine($"exited {exit.TotalMilliseconds:0} ms after SIGTERM");
        Assert.True(exit < TimeSpan.FromSeconds(5), $"took {exit.TotalSeconds:0.0} s to exit");
        await viewer.WaitForAsync(v => v.HasMessage("error", e => e.Contains("shutting down", StringComparison.Ordinal)), TimeSpan.FromSeconds(2), "the shutdown reason");

        // TEARDOWN, not a dropped socket: GStreamer ends the session at once either way, so the
        // check is that it ends before the process is gone.
        await camera.WaitForSessionsAsync(0, TimeSpan.FromSeconds(5));
    }
}
