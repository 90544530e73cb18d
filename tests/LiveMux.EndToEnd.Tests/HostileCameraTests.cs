using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// Issue 10's camera attacks replayed against a real LiveMux process by tests/tools/rtsp_hostile_camera.py:
/// a camera that floods requests (256 KB bodies) instead of answering DESCRIBE, and one that answers PLAY, then
/// never reads again while it sends requests, so LiveMux's replies fill the socket buffers and its sends block.
/// </summary>
[Collection("e2e")]
[Trait("Category", "Faults")]
public sealed partial class HostileCameraTests(ITestOutputHelper output)
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "tests", "tools", "rtsp_hostile_camera.py");

    /// <summary>Issue 10's acceptance: a request-flooding camera keeps LiveMux under this.</summary>
    private const long RssLimitBytes = 400L * 1024 * 1024;

    [Fact]
    public async Task A_request_flooding_camera_is_cut_off_by_a_limit_and_memory_stays_bounded()
    {
        var closed = 0;
        long flooded = 0;
        var (camera, ready) = await ToolScript.StartAsync("hostile camera", Script, ["--port", "0", "--mode", "flood"], Ready(), line =>
        {
            if (ClosedLine().Match(line) is { Success: true } m)
            {
                Interlocked.Add(ref flooded, long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
                Interlocked.Increment(ref closed);
            }
        });
        await using var _ = camera;
        await using var server = await LiveMuxProcess.StartAsync("--LiveMux:Demo=false");
        await using var probe = new ServerProbe(server);
        await probe.CollectGarbageAsync();
        var baseline = await probe.SampleAsync();
        probe.ResetPeak();

        using (var added = await server.Http.PostAsJsonAsync(new Uri(server.BaseUrl, "api/streams"),
            new { name = "flood", url = ready.Groups[2].Value, alwaysOn = true }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        // Three floods, each ended by LiveMux: the limit holds on every reconnect, not only the first.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string? error = null;
        while (Volatile.Read(ref closed) < 3 || error is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"LiveMux did not cut the flood off 3 times ({closed}); error {error}\n{camera.Output}");
            var stream = await server.StreamAsync("flood");
            if (stream.GetProperty("state").GetString() == "reconnecting")
            {
                error ??= stream.GetProperty("error").GetString();
            }

            await Task.Delay(100);
        }

        var peak = probe.Peak.Max(await probe.SampleAsync());
        output.WriteLine($"baseline RSS {ServerProbe.Mb(baseline.RssBytes)} MB, peak {ServerProbe.Mb(peak.RssBytes)} MB, " +
            $"flooded {Volatile.Read(ref flooded) / 1048576} MB over {closed} connections; error: {error}");
        Assert.Contains("before answering PLAY", error, StringComparison.Ordinal);
        Assert.True(peak.RssBytes < RssLimitBytes, $"RSS peaked at {ServerProbe.Mb(peak.RssBytes)} MB");

        // Deleted, the stream leaves nothing behind: no socket, and the memory of the floods is returned.
        using (var deleted = await server.Http.DeleteAsync(new Uri(server.BaseUrl, "api/streams/flood")))
        {
            Assert.True(deleted.IsSuccessStatusCode, $"DELETE answered {deleted.StatusCode}");
        }

        await probe.CollectGarbageAsync();
        var after = await probe.SampleAsync();
        output.WriteLine($"after delete: {System.Text.Json.JsonSerializer.Serialize(after.ToJson())}");
        Assert.True(after.Sockets <= baseline.Sockets, $"sockets {baseline.Sockets} -> {after.Sockets}");
        Assert.True(after.GcHeapBytes - baseline.GcHeapBytes < 32L * 1024 * 1024,
            $"managed heap {ServerProbe.Mb(baseline.GcHeapBytes)} -> {ServerProbe.Mb(after.GcHeapBytes)} MB after delete");
    }

    [Theory]
    [InlineData("PLAY")] // while playing: the media watchdog's time
    [InlineData("OPTIONS")] // during the handshake: a send may not outlast the media timeout either
    public async Task A_camera_that_stops_reading_leaves_starting_within_the_media_timeout(string stopAfter)
    {
        var mediaTimeout = TimeSpan.FromSeconds(3);
        var playedAt = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (camera, ready) = await ToolScript.StartAsync("hostile camera", Script, ["--port", "0", "--mode", "stop-reading", "--stop-after", stopAfter], Ready(), line =>
        {
            if (line.StartsWith($"FLOODING n=1 after={stopAfter}", StringComparison.Ordinal))
            {
                playedAt.TrySetResult(DateTime.UtcNow);
            }
        });
        await using var _ = camera;
        await using var server = await LiveMuxProcess.StartAsync("--LiveMux:Demo=false");
        using (var added = await server.Http.PostAsJsonAsync(new Uri(server.BaseUrl, "api/streams"),
            new { name = "wedged", url = ready.Groups[2].Value, alwaysOn = true, mediaTimeout = mediaTimeout.ToString("c", CultureInfo.InvariantCulture) }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        var played = await playedAt.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var bound = mediaTimeout + TimeSpan.FromSeconds(2);
        string state;
        string? error;
        while (true)
        {
            var stream = await server.StreamAsync("wedged");
            state = stream.GetProperty("state").GetString()!;
            error = stream.TryGetProperty("error", out var e) ? e.GetString() : null;
            if (state != "starting")
            {
                break;
            }

            Assert.True(DateTime.UtcNow - played <= bound, $"still starting {(DateTime.UtcNow - played).TotalSeconds:0.0} s after {stopAfter}\n{camera.Output}");
            await Task.Delay(50);
        }

        var left = DateTime.UtcNow - played;
        output.WriteLine($"left starting {left.TotalSeconds:0.00} s after {stopAfter}: {state}: {error}");
        Assert.True(left <= bound, $"left starting {left.TotalSeconds:0.00} s after {stopAfter} (bound {bound.TotalSeconds} s)");
        Assert.Equal("reconnecting", state);

        // The reason says a reply LiveMux could not send (its send really blocked); while playing, no media too.
        if (stopAfter == "PLAY")
        {
            Assert.Contains("no RTP received for 3 s", error, StringComparison.Ordinal);
        }

        Assert.True(error!.Contains("the camera stopped reading", StringComparison.Ordinal), $"{error}\n{camera.Output}");

        // The wedged connection was dropped, and a deleted stream goes at once: no send is left hanging.
        await WaitForLineAsync(camera, "CLIENT_CLOSED n=1 ", TimeSpan.FromSeconds(5));
        using var deleted = await server.Http.DeleteAsync(new Uri(server.BaseUrl, "api/streams/wedged"));
        Assert.True(deleted.IsSuccessStatusCode, $"DELETE answered {deleted.StatusCode}");
    }

    private static async Task WaitForLineAsync(ToolScript script, string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!script.Output.Split('\n').Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no line '{prefix}':\n{script.Output}");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"^READY port=(\d+) url=(\S+) mode=")]
    private static partial Regex Ready();

    [GeneratedRegex(@"^CLIENT_CLOSED n=(\d+) requests=\d+ sent=(\d+)")]
    private static partial Regex ClosedLine();
}
