using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LiveMux.Server.Tests.Limits;

/// <summary>
/// The limits and the handshake timeout as a browser meets them: the built server on real sockets (Kestrel and its
/// WebSocket implementation, which the in-process host replaces), serving its demo stream.
/// </summary>
public sealed class KestrelLimitsTests
{
    private const string Mse = "{\"type\":\"mse\",\"value\":\"avc1.640029,avc1.4D401F,avc1.42E01E,mp4a.40.2,opus\"}";
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public async Task A_viewer_that_sends_no_codec_list_gets_the_error_and_a_close_frame_at_the_timeout()
    {
        var workDirectory = Path.GetTempPath();
        await using var server = await ServerProcess.StartAsync(workDirectory, NoEnvironment, "--LiveMux:HandshakeTimeout=00:00:01", StreamsFile());
        using var socket = new ClientWebSocket();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/api/ws?src=demo"), cts.Token);

        var buffer = new byte[4096];
        var message = await socket.ReceiveAsync(buffer, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, message.MessageType);
        using var error = JsonDocument.Parse(buffer.AsMemory(0, message.Count));
        Assert.Equal("error", error.RootElement.GetProperty("type").GetString());
        Assert.Equal("expected {\"type\":\"mse\",\"value\":\"<codecs>\"} as the first message; none came within 1 s (LiveMux:HandshakeTimeout)",
            error.RootElement.GetProperty("value").GetString());

        var close = await socket.ReceiveAsync(buffer, cts.Token);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.CloseStatus);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
    }

    [Fact]
    public async Task Past_max_upgraded_connections_a_websocket_request_gets_503_with_the_reason()
    {
        var server = await ServerProcess.StartAsync(Path.GetTempPath(), NoEnvironment, "--LiveMux:Limits:MaxUpgradedConnections=2", StreamsFile());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var viewers = new List<ClientWebSocket>();
        await using (server)
        {
            for (var i = 0; i < 2; i++)
            {
                var viewer = new ClientWebSocket();
                viewers.Add(viewer);
                await viewer.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/api/ws?src=demo"), cts.Token);
                await viewer.SendAsync(Encoding.UTF8.GetBytes(Mse), WebSocketMessageType.Text, true, cts.Token);
                var first = await viewer.ReceiveAsync(new byte[64 * 1024], cts.Token);
                Assert.Equal(WebSocketMessageType.Text, first.MessageType); // the mse reply: it plays
            }

            var response = await RawRequestAsync(server.Port,
                "GET /api/ws?src=demo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
                "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", "try again later", cts.Token);
            Assert.StartsWith("HTTP/1.1 503", response, StringComparison.Ordinal);
            Assert.Contains("application/problem+json", response, StringComparison.Ordinal);
            Assert.Contains("the server has its maximum of 2 WebSocket connections open (LiveMux:Limits:MaxUpgradedConnections)", response, StringComparison.Ordinal);

            // A malformed WebSocket request is still a bad request, not a full server.
            var malformed = await RawRequestAsync(server.Port,
                "GET /api/ws?src=demo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", "\r\n\r\n", cts.Token);
            Assert.StartsWith("HTTP/1.1 400", malformed, StringComparison.Ordinal);
        }

        // The server's whole output, once it has stopped: a console log line is written after the fact.
        foreach (var viewer in viewers)
        {
            viewer.Dispose();
        }

        Assert.Contains("LiveMux:Limits:MaxUpgradedConnections reached: 1 refused", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Past_max_connections_a_connection_is_closed_without_an_answer_and_logged()
    {
        var server = await ServerProcess.StartAsync(Path.GetTempPath(), NoEnvironment, "--LiveMux:Limits:MaxConnections=3", StreamsFile());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var held = new List<TcpClient>();
        await using (server)
        {
            // Connections that were answered are open and counted; the start-up probe's may be still too.
            string? refused = null;
            for (var i = 0; i < 4 && refused is null; i++)
            {
                var client = new TcpClient();
                held.Add(client);
                await client.ConnectAsync(IPAddress.Loopback, server.Port, cts.Token);
                var answer = await ExchangeAsync(client, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", cts.Token);
                if (!answer.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
                {
                    refused = answer;
                }
            }

            Assert.Equal("", refused);
        }

        // The server's whole output, once it has stopped: a console log line is written after the fact.
        foreach (var client in held)
        {
            client.Dispose();
        }

        Assert.Contains("rejected because the maximum number of concurrent connections has been reached", server.Output, StringComparison.Ordinal);
    }

    private static string StreamsFile() =>
        $"--LiveMux:StreamsFile={Path.Combine(Path.GetTempPath(), "livemux-tests", Guid.NewGuid().ToString("N"), "streams.json")}";

    private static async Task<string> RawRequestAsync(int port, string request, string until, CancellationToken ct)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, ct);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().Contains(until, StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    /// <summary>One request on a connection kept open: the answer's first bytes, or "" when it was closed unanswered.</summary>
    private static async Task<string> ExchangeAsync(TcpClient client, string request, CancellationToken ct)
    {
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
            var buffer = new byte[1024];
            var read = await stream.ReadAsync(buffer, ct);
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
