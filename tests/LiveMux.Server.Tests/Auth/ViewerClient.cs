using System.Net;
using System.Net.WebSockets;
using System.Text.Json;

namespace LiveMux.Server.Tests.Auth;

/// <summary>
/// One viewer request on one of the three viewer endpoints, reduced to what auth decided: passed (the
/// endpoint went on to its own work), or refused with a status and the reason it gave.
/// </summary>
internal static class ViewerClient
{
    public sealed record Outcome(bool Passed, int Status, string Detail);

    public static async Task<Outcome> RequestAsync(AuthFactory factory, string endpoint, string stream, string? token, IReadOnlyDictionary<string, string>? headers = null)
    {
        var query = $"src={Uri.EscapeDataString(stream)}" + (token is null ? "" : $"&token={Uri.EscapeDataString(token)}");
        return endpoint switch
        {
            "ws" => await WebSocketAsync(factory, query, headers),
            "mp4" => await HttpAsync(factory, $"/api/stream.mp4?{query}", headers, "video/mp4"),
            "player" => await HttpAsync(factory, $"/player.html?{query}", headers, "text/html"),
            _ => throw new ArgumentException(endpoint, nameof(endpoint)),
        };
    }

    private static async Task<Outcome> HttpAsync(AuthFactory factory, string path, IReadOnlyDictionary<string, string>? headers, string passType)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add(AuthFactory.RemoteHeader, "203.0.113.7");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        // Headers only: a stream that passes never ends.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.Equal(passType, response.Content.Headers.ContentType?.MediaType);
            return new Outcome(true, 200, "");
        }

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cts.Token));
        return new Outcome(false, (int)response.StatusCode, doc.RootElement.GetProperty("detail").GetString() ?? "");
    }

    /// <summary>A bad first message: an endpoint past auth answers that it expected the mse request.</summary>
    private static async Task<Outcome> WebSocketAsync(AuthFactory factory, string query, IReadOnlyDictionary<string, string>? headers)
    {
        using var socket = await ConnectAsync(factory, query, headers);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await socket.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or WebSocketException)
        {
            // Refused at once: the server may have closed before this message; its own is still queued.
        }

        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        using var doc = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
        Assert.Equal("error", doc.RootElement.GetProperty("type").GetString());
        var value = doc.RootElement.GetProperty("value").GetString() ?? "";
        var close = await socket.ReceiveAsync(buffer, cts.Token);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        if (value.StartsWith("unauthorized: ", StringComparison.Ordinal))
        {
            return new Outcome(false, 0, value);
        }

        return new Outcome(true, 200, value);
    }

    public static async Task<WebSocket> ConnectAsync(AuthFactory factory, string query, IReadOnlyDictionary<string, string>? headers)
    {
        var client = factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = r =>
        {
            r.Headers[AuthFactory.RemoteHeader] = "203.0.113.7";
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                r.Headers[name] = value;
            }
        };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await client.ConnectAsync(new Uri(factory.Server.BaseAddress, $"/api/ws?{query}"), cts.Token);
    }
}
