using System.Globalization;
using System.Net;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// <c>/api/frame.jpeg</c> on a live 30 fps clock camera with a 2 s GOP: the picture is the current one, read from
/// the barcode the camera draws into each frame (never the GOP's keyframe, up to 2 s old), and a valid JPEG of the
/// requested size by ffprobe. How old the picture is against the request is LiveMux's doing (which frame it
/// decodes), not the machine's speed; how long the answer takes is the machine's, measured in
/// bench/run-snapshot.sh.
/// </summary>
[Collection("e2e")]
public sealed class SnapshotTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_snapshot_of_a_live_stream_is_at_most_100_ms_older_than_its_request()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--gop", "60", "--clock", "--width", "640", "--height", "360");
        await using var server = await LiveMuxProcess.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}");
        var url = new Uri(server.BaseUrl, "api/frame.jpeg?src=cam");

        // The stream is idle: the first request starts it and is answered once its first keyframe is in.
        using (var first = await server.Http.GetAsync(url))
        {
            Assert.True(first.StatusCode == HttpStatusCode.OK, $"{first.StatusCode}: {await first.Content.ReadAsStringAsync()}\n{server.Log}");
            Assert.NotNull(await ClockBarcode.ReadAsync(await first.Content.ReadAsByteArrayAsync(), "snapshot-first.jpg"));
        }

        var staleness = new List<double>();
        for (var i = 0; i < 12; i++)
        {
            // Past the cache time (0.5 s), so each request is decoded for itself, and spread over the GOP.
            await Task.Delay(650 + (i * 37 % 200));
            var requested = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            using var response = await server.Http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
            var clock = await ClockBarcode.ReadAsync(await response.Content.ReadAsByteArrayAsync(), $"snapshot-{i}.jpg");
            Assert.True(clock is not null, $"snapshot {i}: no clock barcode in the picture");
            staleness.Add(requested - clock!.Value);
        }

        output.WriteLine("staleness (ms): " + string.Join(", ", staleness.Select(s => s.ToString("0", CultureInfo.InvariantCulture))));
        Assert.True(staleness.Max() <= 100, $"a snapshot older than its request by {staleness.Max():0} ms: {string.Join(", ", staleness)}");

        // A picture from the camera's past, not its future: the barcode is the camera's capture time.
        Assert.True(staleness.Min() >= -5, $"a snapshot from after its request: {staleness.Min():0} ms");
    }

    [Fact]
    public async Task A_snapshot_is_a_jpeg_of_the_requested_size_by_ffprobe()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--gop", "60", "--width", "640", "--height", "360");
        await using var server = await LiveMuxProcess.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}");
        foreach (var (query, width, height) in new[] { ("width=320", 320, 180), ("height=90", 160, 90), ("width=200&height=200", 200, 200), ("", 640, 360) })
        {
            using var response = await server.Http.GetAsync(new Uri(server.BaseUrl, $"api/frame.jpeg?src=cam&{query}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var path = Path.Combine(RepoPaths.ArtifactDirectory, $"snapshot-size-{width}x{height}.jpg");
            await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
            var (code, stdout, stderr) = await Tool.RunAsync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", path], TimeSpan.FromSeconds(30));
            Assert.True(code == 0, stderr);
            Assert.Equal($"mjpeg,{width},{height}", stdout.Trim());
        }

        // The camera sees one session for all of them.
        Assert.Equal(1, camera.MaxSessions);
    }
}
