using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LiveMux.Server.Tests.Endpoints;

/// <summary>The HTTP and WebSocket endpoints in-process, without a camera.</summary>
public sealed class EndpointTests(LiveMuxFactory factory) : IClassFixture<LiveMuxFactory>
{
    [Fact]
    public async Task Streams_lists_the_configured_stream_without_its_password()
    {
        using var client = factory.CreateClient();
        var body = await client.GetStringAsync(new Uri("/api/streams", UriKind.Relative));
        Assert.DoesNotContain(LiveMuxFactory.Password, body);
        Assert.DoesNotContain("admin", body);

        using var doc = JsonDocument.Parse(body);
        var stream = Assert.Single(doc.RootElement.GetProperty("streams").EnumerateArray());
        Assert.Equal("cam1", stream.GetProperty("name").GetString());
        Assert.Equal("idle", stream.GetProperty("state").GetString());
        Assert.Equal("rtsp://***:***@192.0.2.1:554/Streaming/Channels/101", stream.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, stream.GetProperty("codecs").ValueKind);
        Assert.Equal(0, stream.GetProperty("viewers").GetInt32());
        Assert.False(stream.GetProperty("alwaysOn").GetBoolean());
        Assert.Equal(JsonValueKind.Null, stream.GetProperty("rtp").ValueKind); // never played: no RTP session yet
        var counters = stream.GetProperty("counters");
        foreach (var name in new[] { "bytesIn", "framesIn", "fragmentsOut", "bytesOut", "sessions", "reconnects" })
        {
            Assert.Equal(0, counters.GetProperty(name).GetInt64());
        }

        Assert.Equal(JsonValueKind.Object, counters.GetProperty("drops").ValueKind);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("")]
    [InlineData("cam1%00")]
    public async Task Mp4_of_an_unknown_stream_is_404(string src)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri($"/api/stream.mp4?src={src}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("unknown stream", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ws_for_an_unknown_stream_gets_an_error_and_a_close()
    {
        var socket = await ConnectAsync("nope");
        var error = await ReceiveJsonAsync(socket);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Contains("unknown stream", error.GetProperty("value").GetString());
        Assert.Contains("nope", error.GetProperty("value").GetString());
        await ExpectCloseAsync(socket);
    }

    [Fact]
    public async Task Ws_for_an_unknown_stream_truncates_a_long_name()
    {
        var socket = await ConnectAsync(new string('x', 500));
        var value = (await ReceiveJsonAsync(socket)).GetProperty("value").GetString()!;
        Assert.True(value.Length < 100, value);
    }

    [Theory]
    [InlineData("{\"type\":\"webrtc\",\"value\":\"avc1.640029\"}")]
    [InlineData("hello")]
    [InlineData("{\"type\":\"mse\",\"value\":\"avc1\"} trailing")]
    public async Task Ws_whose_first_message_is_not_the_mse_request_gets_an_error(string first)
    {
        var socket = await ConnectAsync("cam1");
        await socket.SendAsync(Encoding.UTF8.GetBytes(first), WebSocketMessageType.Text, true, CancellationToken.None);
        var error = await ReceiveJsonAsync(socket);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Contains("\"type\":\"mse\"", error.GetProperty("value").GetString());
        await ExpectCloseAsync(socket);

        // Refused before subscribing: the camera was never started.
        Assert.Equal(0, await ViewersAndSessionsAsync());
    }

    [Fact]
    public async Task Ws_that_sends_only_other_requests_is_refused_after_the_skip_limit()
    {
        var socket = await ConnectAsync("cam1");
        for (var i = 0; i < 9; i++)
        {
            await socket.SendAsync("{\"type\":\"webrtc/candidate\",\"value\":\"x\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        }

        var started = DateTime.UtcNow;
        var error = await ReceiveJsonAsync(socket);
        Assert.Equal("error", error.GetProperty("type").GetString());
        // Refused on the ninth request, not by the 2 s handshake timeout.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1.5));
        await ExpectCloseAsync(socket);
        Assert.Equal(0, await ViewersAndSessionsAsync());
    }

    [Fact]
    public async Task Ws_whose_first_message_is_binary_gets_an_error()
    {
        var socket = await ConnectAsync("cam1");
        await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var error = await ReceiveJsonAsync(socket);
        Assert.Equal("error", error.GetProperty("type").GetString());
        await ExpectCloseAsync(socket);
    }

    [Fact]
    public async Task Plain_http_to_the_ws_endpoint_is_400()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/ws?src=cam1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<WebSocket> ConnectAsync(string src)
    {
        var client = factory.Server.CreateWebSocketClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await client.ConnectAsync(new Uri(factory.Server.BaseAddress, $"/api/ws?src={Uri.EscapeDataString(src)}"), cts.Token);
    }

    private static async Task<JsonElement> ReceiveJsonAsync(WebSocket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        var result = await socket.ReceiveAsync(buffer, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        Assert.True(result.EndOfMessage);
        using var doc = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
        return doc.RootElement.Clone();
    }

    private static async Task ExpectCloseAsync(WebSocket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveAsync(new byte[1024], cts.Token);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, result.CloseStatus);
    }

    private async Task<long> ViewersAndSessionsAsync()
    {
        using var client = factory.CreateClient();
        using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/streams", UriKind.Relative)));
        var stream = doc.RootElement.GetProperty("streams")[0];
        return stream.GetProperty("viewers").GetInt32() + stream.GetProperty("counters").GetProperty("sessions").GetInt64();
    }
}
