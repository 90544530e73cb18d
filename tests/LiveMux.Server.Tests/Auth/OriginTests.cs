using System.Net.WebSockets;

namespace LiveMux.Server.Tests.Auth;

/// <summary>The WebSocket Origin allowlist, on a public stream so no token is involved.</summary>
public sealed class OriginTests(TokenModeFactory factory) : IClassFixture<TokenModeFactory>
{
    [Theory]
    [InlineData(null, true)] // not a browser
    [InlineData("http://localhost", true)] // the server's own origin (TestServer's host)
    [InlineData("http://LOCALHOST:80", true)]
    [InlineData(TokenModeFactory.AllowedOrigin, true)]
    [InlineData("https://APP.example.com:8443", true)]
    [InlineData("https://evil.example", false)]
    [InlineData("https://app.example.com", false)] // another port
    [InlineData("http://app.example.com:8443", false)] // another scheme
    [InlineData("https://app.example.com:8443.evil.example", false)]
    [InlineData("http://localhost:8080", false)]
    [InlineData("https://localhost", false)]
    [InlineData("null", false)]
    [InlineData("not an origin", false)]
    public async Task A_foreign_origin_is_refused_before_the_upgrade(string? origin, bool accepted)
    {
        var headers = origin is null ? null : new Dictionary<string, string> { ["Origin"] = origin };
        if (accepted)
        {
            using var socket = await ViewerClient.ConnectAsync(factory, "src=lobby", headers);
            Assert.Equal(WebSocketState.Open, socket.State);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }
        else
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ViewerClient.ConnectAsync(factory, "src=lobby", headers));
            Assert.Contains("403", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_origin_check_comes_before_tokens()
    {
        var headers = new Dictionary<string, string> { ["Origin"] = "https://evil.example", ["X-Api-Key"] = TokenModeFactory.ApiKey };
        await Assert.ThrowsAsync<InvalidOperationException>(() => ViewerClient.ConnectAsync(factory, "src=demo", headers));
    }
}
