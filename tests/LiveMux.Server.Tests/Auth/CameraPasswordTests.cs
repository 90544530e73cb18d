using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LiveMux.Server.Tests.Auth;

/// <summary>
/// Camera credentials never leave the server: not in the API, not in what viewers receive, not in the logs,
/// while the cameras fail in the ways that quote their URLs (a refused connection, ffmpeg's own messages).
/// </summary>
public sealed class CameraPasswordTests(CameraPasswordTests.FailingCamerasFactory factory) : IClassFixture<CameraPasswordTests.FailingCamerasFactory>
{
    public const string RtspPassword = "Rtsp-Pw-7c1e";
    public const string QueryPassword = "Query-Pw-55aa";
    public const string FfmpegPassword = "Ffmpeg-Pw-0b9d";

    public sealed class FailingCamerasFactory : AuthFactory
    {
        // Port 1 on loopback: nothing listens, so each attempt fails at once and is reported.
        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            ["LiveMux:Streams:rtsp:Url"] = $"rtsp://admin:{RtspPassword}@127.0.0.1:1/stream1",
            ["LiveMux:Streams:rtsp:ReconnectInitialDelay"] = "00:00:00.200",
            ["LiveMux:Streams:query:Url"] = $"rtsp://127.0.0.1:1/cam/realmonitor?channel=1&user=admin&password={QueryPassword}",
            ["LiveMux:Streams:query:ReconnectInitialDelay"] = "00:00:00.200",
            ["LiveMux:Streams:ffmpeg:Ffmpeg:Input"] = $"rtsp://admin:{FfmpegPassword}@127.0.0.1:1/stream1",
            ["LiveMux:Streams:ffmpeg:ReconnectInitialDelay"] = "00:00:00.200",
        };
    }

    private static readonly string[] Secrets = [RtspPassword, QueryPassword, FfmpegPassword, AuthFactory.CameraPassword];

    [Theory]
    [InlineData("rtsp")]
    [InlineData("query")]
    [InlineData("ffmpeg")]
    public async Task A_failing_camera_reports_its_error_without_its_password(string stream)
    {
        var seen = new StringBuilder();
        var client = factory.Server.CreateWebSocketClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var socket = await client.ConnectAsync(new Uri(factory.Server.BaseAddress, $"/api/ws?src={stream}"), cts.Token);
        await socket.SendAsync("{\"type\":\"mse\",\"value\":\"avc1.640029,mp4a.40.2\"}"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[8192];
        var reported = false;
        while (!reported)
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            var text = Encoding.UTF8.GetString(buffer, 0, result.Count);
            seen.AppendLine(text);
            reported = text.Contains("camera unavailable", StringComparison.Ordinal);
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);

        using var http = factory.CreateClient();
        var streams = await http.GetStringAsync(new Uri("/api/streams", UriKind.Relative));
        using (var doc = JsonDocument.Parse(streams))
        {
            var entry = doc.RootElement.GetProperty("streams").EnumerateArray().Single(s => s.GetProperty("name").GetString() == stream);
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("error").GetString()), streams); // the failure is reported...
            Assert.Contains("127.0.0.1", entry.GetProperty("source").GetString(), StringComparison.Ordinal);
        }

        var logs = string.Join('\n', factory.Logs);
        Assert.Contains(stream, logs, StringComparison.Ordinal);
        foreach (var secret in Secrets)
        {
            // ...and nowhere with a password.
            Assert.DoesNotContain(secret, seen.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, streams, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Pages_and_the_player_hold_no_credentials()
    {
        using var http = factory.CreateClient();
        foreach (var path in new[] { "/", "/index.html", "/player.html?src=rtsp", "/livemux-player.js" })
        {
            var body = await http.GetStringAsync(new Uri(path, UriKind.Relative));
            Assert.True(body.Length > 100, path);
            foreach (var secret in Secrets)
            {
                Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Configuration_errors_do_not_echo_a_url()
    {
        var options = new LiveMuxOptions
        {
            Streams = new() { ["bad"] = new Hub.StreamOptions { Url = $"rtsp://admin:{RtspPassword}@camera:99999/x" }, ["bad2"] = new Hub.StreamOptions { Url = $"http://admin:{RtspPassword}@camera/x" } },
        };
        var errors = LiveMuxOptionsValidator.Validate(options);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.DoesNotContain(RtspPassword, e, StringComparison.Ordinal));
    }
}
