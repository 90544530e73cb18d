using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using LiveMux.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// The protocol and format whitelists at work, with the real ffmpeg: playlists that point at a file outside the
/// media directory. A configured stream (full power) plays such a playlist, which shows the trick is real; the
/// same trick added through the API gets no byte of that file, and ffmpeg says which whitelist stopped it. A
/// plain file in the media directory still plays through the API.
/// </summary>
[Collection("e2e")]
public sealed class FfmpegApiRestrictionTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-e2e-whitelist-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Playlist(string segment) =>
        $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\n{segment}\n#EXT-X-ENDLIST\n";

    [Fact]
    public async Task Playlists_pointing_at_a_local_file_play_from_configuration_and_read_nothing_through_the_api()
    {
        var clip = await Clips.CreateAsync("whitelist-clip.ts", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac");
        var media = Directory.CreateDirectory(Path.Combine(_dir, "media")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(_dir, "outside")).FullName;
        var secret = Path.Combine(outside, "secret.ts");
        File.Copy(clip, secret);
        File.Copy(clip, Path.Combine(media, "clip.ts"));
        await File.WriteAllTextAsync(Path.Combine(media, "local.m3u8"), Playlist("file://" + secret));

        // An HTTP server whose playlist names the same local file.
        var port = FreePort();
        using var http = new HttpListener();
        http.Prefixes.Add($"http://127.0.0.1:{port}/");
        http.Start();
        var playlistRequests = 0;
        var serving = Task.Run(async () =>
        {
            while (http.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await http.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                Interlocked.Increment(ref playlistRequests);
                var body = Encoding.UTF8.GetBytes(Playlist("file://" + secret));
                context.Response.ContentType = "application/vnd.apple.mpegurl";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });

        await using var server = await LiveMuxProcess.StartAsync(
            "--LiveMux:Demo=false",
            $"--LiveMux:Ffmpeg:MediaDirectory={media}",
            $"--LiveMux:Streams:trusted:Ffmpeg:Input={Path.Combine(media, "local.m3u8")}",
            "--LiveMux:Streams:trusted:AlwaysOn=true");

        foreach (var (name, input, options) in new[]
        {
            ("remote", $"http://127.0.0.1:{port}/live.m3u8", ""),
            ("local", "local.m3u8", ""),
            ("plain", "clip.ts", "-re -stream_loop -1"),
        })
        {
            using var added = await server.Http.PostAsJsonAsync(new Uri(server.BaseUrl, "api/streams"),
                new { name, alwaysOn = true, ffmpeg = new { input, inputOptions = options } });
            Assert.True(added.StatusCode == HttpStatusCode.Created, $"{name}: {await added.Content.ReadAsStringAsync()}");
        }

        // ffmpeg names the whitelist that refused: LiveMux's (it starts with rtsp), not the HLS demuxer's own default.
        await WaitForAsync(server, () => server.Log.Contains("Protocol 'file' not on whitelist 'rtsp,rtsps,", StringComparison.Ordinal), "the HTTP playlist's file segment refused by LiveMux's protocol whitelist");
        await WaitForAsync(server, () => server.Log.Contains("Format not on whitelist 'mov,mp4,", StringComparison.Ordinal), "the local playlist refused by LiveMux's format whitelist");
        await WaitForAsync(server, async () => Frames(await server.StreamAsync("trusted")) > 25, "the configured stream to play the playlist's file");
        await WaitForAsync(server, async () => Frames(await server.StreamAsync("plain")) > 25, "the media directory's clip to play through the API");

        var remote = await server.StreamAsync("remote");
        var local = await server.StreamAsync("local");
        output.WriteLine($"remote: {remote}\nlocal: {local}");
        Assert.True(Volatile.Read(ref playlistRequests) > 0, "ffmpeg never fetched the HTTP playlist");
        Assert.Equal(0, Frames(remote));
        Assert.Equal(0, Frames(local));
        Assert.Equal(0, remote.GetProperty("counters").GetProperty("bytesIn").GetInt64());
        Assert.Equal(0, local.GetProperty("counters").GetProperty("bytesIn").GetInt64());
        Assert.Contains("ffmpeg exited with code", remote.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("ffmpeg exited with code", local.GetProperty("error").GetString(), StringComparison.Ordinal);

        http.Stop();
        await serving;
    }

    private static long Frames(System.Text.Json.JsonElement stream) => stream.GetProperty("counters").GetProperty("framesIn").GetInt64();

    private static Task WaitForAsync(LiveMuxProcess server, Func<bool> condition, string what) =>
        WaitForAsync(server, () => Task.FromResult(condition()), what);

    private static async Task WaitForAsync(LiveMuxProcess server, Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}:\n{server.Log}");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
