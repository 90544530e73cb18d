using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using LiveMux.Server.Limits;
using LiveMux.Server.Tests.Auth;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LiveMux.Server.Tests.Limits;

/// <summary>Viewers per stream and pending handshakes per address, in-process: who is refused, and what they are told.</summary>
public sealed class LimitsTests : IDisposable
{
    private const string Address = "203.0.113.7";
    private const string OtherAddress = "198.51.100.9";
    private const string Mse = "{\"type\":\"mse\",\"value\":\"avc1.640029,mp4a.40.2\"}";
    private LimitsFactory _factory = null!;

    public void Dispose() => _factory?.Dispose();

    [Fact]
    public async Task A_stream_at_max_viewers_refuses_the_next_websocket_and_mp4_viewer_with_the_reason()
    {
        _factory = new LimitsFactory(maxViewers: 2, maxPending: 100);
        var slots = _factory.Services.GetRequiredService<ViewerSlots>();
        using var first = await ConnectAsync(Address);
        await SendAsync(first, Mse);
        using var mp4Client = _factory.CreateClient();
        using var mp4Cancel = new CancellationTokenSource();

        // A stream.mp4 viewer of a camera that never answers: its response waits for the first frame.
        var mp4Viewer = mp4Client.GetAsync(new Uri("/api/stream.mp4?src=cam1", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, mp4Cancel.Token);
        await WaitAsync(() => slots.Held("cam1") == 2, "two viewers");

        using var refused = await ConnectAsync(OtherAddress);
        var error = await ReceiveJsonAsync(refused);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("stream 'cam1' has its maximum of 2 viewers (LiveMux:Limits:MaxViewers); try again later", error.GetProperty("value").GetString());
        await ExpectCloseAsync(refused);

        using var client = _factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/stream.mp4?src=cam1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("maximum of 2 viewers (LiveMux:Limits:MaxViewers)", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, slots.Held("cam1"));

        // A viewer that leaves gives its place back.
        await mp4Cancel.CancelAsync();
        try
        {
            (await mp4Viewer).Dispose();
        }
        catch (OperationCanceledException)
        {
        }

        await WaitAsync(() => slots.Held("cam1") == 1, "the mp4 viewer to leave");
        using var next = await ConnectAsync(OtherAddress);
        await SendAsync(next, Mse);
        await WaitAsync(() => slots.Held("cam1") == 2, "the next viewer");
        Assert.Contains(_factory.Logs, l => l.Contains("LiveMux:Limits:MaxViewers reached: 1 refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_address_with_max_pending_handshakes_is_refused_before_the_upgrade_and_others_are_not()
    {
        _factory = new LimitsFactory(maxViewers: 100, maxPending: 2);
        var pending = _factory.Services.GetRequiredService<PendingHandshakes>();
        using var silent1 = await ConnectAsync(Address);
        using var silent2 = await ConnectAsync(Address);
        Assert.Equal(2, pending.Held(IPAddress.Parse(Address)));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsync(Address));
        Assert.Contains("429", refused.Message, StringComparison.Ordinal);

        // Another address has its own count.
        using var other = await ConnectAsync(OtherAddress);
        Assert.Equal(1, pending.Held(IPAddress.Parse(OtherAddress)));

        // A codec list ends the wait, and frees the place.
        await SendAsync(silent1, Mse);
        await WaitAsync(() => pending.Held(IPAddress.Parse(Address)) == 1, "the handshake to complete");
        using var again = await ConnectAsync(Address);
        Assert.Equal(2, pending.Held(IPAddress.Parse(Address)));
        Assert.Contains(_factory.Logs, l => l.Contains("LiveMux:Limits:MaxPendingHandshakesPerAddress reached: 1 refused", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2:ffff::1", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::")]
    public void Addresses_count_as_themselves_and_ipv6_by_its_64(string address, string key) =>
        Assert.Equal(IPAddress.Parse(key), PendingHandshakes.Key(IPAddress.Parse(address)));

    private async Task<WebSocket> ConnectAsync(string address)
    {
        var client = _factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers[AuthFactory.RemoteHeader] = address;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await client.ConnectAsync(new Uri(_factory.Server.BaseAddress, "/api/ws?src=cam1"), cts.Token);
    }

    private static async Task SendAsync(WebSocket socket, string text)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
    }

    private static async Task<JsonElement> ReceiveJsonAsync(WebSocket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        var result = await socket.ReceiveAsync(buffer, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
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

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(20);
        }
    }

    private sealed class LimitsFactory(int maxViewers, int maxPending) : AuthFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            ["LiveMux:Limits:MaxViewers"] = maxViewers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LiveMux:Limits:MaxPendingHandshakesPerAddress"] = maxPending.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LiveMux:HandshakeTimeout"] = "00:01:00",
        };
    }
}
