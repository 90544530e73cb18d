using System.Net;

namespace LiveMux.Server.Tests.Auth;

/// <summary>nosniff, no-referrer and frame-ancestors on every response, refusals included.</summary>
public sealed class SecurityHeadersTests(TokenModeFactory factory) : IClassFixture<TokenModeFactory>
{
    private const string Own = "base-uri 'self'; object-src 'none'; frame-ancestors 'self'";

    [Theory]
    [InlineData("http://localhost/", HttpStatusCode.OK)]
    [InlineData("http://localhost/multiview.html", HttpStatusCode.OK)]
    [InlineData("http://localhost/livemux-player.js", HttpStatusCode.OK)]
    [InlineData("http://localhost/healthz", HttpStatusCode.OK)]
    [InlineData("http://localhost/metrics", HttpStatusCode.OK)]
    [InlineData("http://localhost/api/streams", HttpStatusCode.Unauthorized)]
    [InlineData("http://localhost/api/stream.mp4?src=cam1", HttpStatusCode.Unauthorized)]
    [InlineData("http://localhost/player.html?src=cam1", HttpStatusCode.Unauthorized)]
    [InlineData("http://localhost/no-such-file", HttpStatusCode.NotFound)]
    [InlineData("http://evil.example/", HttpStatusCode.Forbidden)]
    public async Task Every_response_carries_them(string url, HttpStatusCode status)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri(url));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
        var csp = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(url.Contains("player.html", StringComparison.Ordinal) ? Own + " " + TokenModeFactory.AllowedOrigin : Own, csp);
    }

    [Theory]
    [InlineData("/player.html?src=lobby")]
    [InlineData("//player.html?src=lobby")]
    public async Task The_player_page_may_be_framed_by_the_allowed_origins(string path)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("http://localhost" + path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{Own} {TokenModeFactory.AllowedOrigin}", string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
    }
}
