using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LiveMux.Server.Tests.Auth;

/// <summary>
/// What a web page can make its visitor's browser send: simple POSTs (no Content-Type, text/plain, form types),
/// requests marked cross-site or same-site, a foreign Origin. None reaches the admin API, whatever the credentials.
/// </summary>
public sealed class AdminForgeryTests(DefaultAuthFactory factory) : IClassFixture<DefaultAuthFactory>
{
    private const string Stream = """{"name":"forged","url":"rtsp://192.0.2.9/x"}""";

    public static TheoryData<string, string, string?, string?, string?, int> Requests => new()
    {
        // method, path, Content-Type (null: none), Origin, Sec-Fetch-Site, expected status
        { "POST", "/api/streams", null, null, null, 415 },
        { "POST", "/api/streams", "text/plain", null, null, 415 },
        { "POST", "/api/streams", "text/plain; charset=utf-8", null, null, 415 },
        { "POST", "/api/streams", "application/x-www-form-urlencoded", null, null, 415 },
        { "POST", "/api/streams", "multipart/form-data; boundary=x", null, null, 415 },
        { "POST", "/api/streams", "application/jsonp", null, null, 415 },
        { "POST", "/api/streams", "text/json", null, null, 415 },
        { "POST", "/api/tokens", null, null, null, 415 },
        { "PUT", "/api/streams/cam1", "text/plain", null, null, 415 },
        { "PUT", "/api/streams/cam1", null, null, null, 415 },
        { "DELETE", "/api/streams/cam1", "text/plain", null, null, 415 },
        { "POST", "/api/streams", "application/json", "https://evil.example", null, 403 },
        { "POST", "/api/streams", "application/json", "null", null, 403 },
        { "POST", "/api/streams", "application/json", "http://localhost:8080", null, 403 }, // another port is another origin
        { "POST", "/api/streams", "application/json", null, "cross-site", 403 },
        { "POST", "/api/streams", "application/json", null, "same-site", 403 },
        { "POST", "/api/streams", "application/json", "http://localhost", "cross-site", 403 },
        { "GET", "/api/streams", null, "https://evil.example", null, 403 },
        { "GET", "/api/streams", null, null, "cross-site", 403 },
        { "GET", "/api/streams", null, null, "SAME-SITE", 403 },
        { "DELETE", "/api/streams/cam1", null, "https://evil.example", null, 403 },
        { "DELETE", "/api/streams/cam1", null, null, "cross-site", 403 },
        { "GET", "/api/streams", null, "http://localhost", "same-origin", 200 },
        { "GET", "/api/streams", null, null, "none", 200 },
        { "GET", "/api/streams", null, null, null, 200 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Forgeable_requests_are_refused_and_change_nothing(string method, string path, string? contentType, string? origin, string? site, int expected)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method != "GET")
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(path == "/api/tokens" ? """{"stream":"cam1"}""" : Stream));
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == (int)response.StatusCode, $"{(int)response.StatusCode} {body}");
        // A wrong Content-Type on an endpoint that declares its body type is refused by routing itself, before any
        // admin code, and gets the same problem document as the admin check's refusals.
        if (expected != 200)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString();
            Assert.Contains(expected == 415 ? "Content-Type: application/json" : "the admin API does not answer pages of other", detail, StringComparison.Ordinal);
        }

        using var list = await client.GetAsync(new Uri("/api/streams", UriKind.Relative));
        var streams = await list.Content.ReadAsStringAsync();
        Assert.Contains("\"cam1\"", streams, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", streams, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_with_a_charset_from_the_own_origin_is_accepted()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/streams", UriKind.Relative))
        {
            Content = new StringContent("""{"name":"allowed","url":"rtsp://192.0.2.9/x"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", "http://localhost");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("utf-8", request.Content.Headers.ContentType?.CharSet);

        // A DELETE without a body needs no Content-Type: no page can send one to another origin without a preflight.
        using var delete = await client.DeleteAsync(new Uri("/api/streams/allowed", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }
}

/// <summary>AllowedOrigins <c>*</c> and <c>null</c> let any page watch; they never let a page administer.</summary>
public sealed class AnyOriginAdminTests(AnyOriginFactory factory) : IClassFixture<AnyOriginFactory>
{
    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("null")]
    public async Task A_wildcard_origin_watches_but_does_not_administer(string origin)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/streams", UriKind.Relative));
        request.Headers.Add("Origin", origin);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        using var socket = await ViewerClient.ConnectAsync(factory, "src=cam1", new Dictionary<string, string> { ["Origin"] = origin });
        Assert.Equal(WebSocketState.Open, socket.State);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }
}

/// <summary>An origin listed in AllowedOrigins, with credentials, from a browser that does not send Sec-Fetch-Site.</summary>
public sealed class AllowedOriginAdminTests(TokenModeFactory factory) : IClassFixture<TokenModeFactory>
{
    [Fact]
    public async Task A_listed_origin_with_credentials_is_answered()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/streams", UriKind.Relative));
        request.Headers.Add("Origin", TokenModeFactory.AllowedOrigin);
        request.Headers.Add("X-Api-Key", TokenModeFactory.ApiKey);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_forgery_check_comes_before_credentials_and_counts_no_guess()
    {
        using var client = factory.CreateClient();
        for (var i = 0; i < 3 * LiveMux.Server.Auth.AdminGuessLimiter.Burst; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/tokens", UriKind.Relative))
            {
                Content = new StringContent("""{"stream":"demo"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Sec-Fetch-Site", "cross-site");
            request.Headers.Add("X-Api-Key", "wrong-" + i);
            request.Headers.Add(AuthFactory.RemoteHeader, "198.51.100.77");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using var good = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/streams", UriKind.Relative));
        good.Headers.Add("X-Api-Key", TokenModeFactory.ApiKey);
        good.Headers.Add(AuthFactory.RemoteHeader, "198.51.100.77");
        using var answer = await client.SendAsync(good);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Single(factory.Logs, l => l.Contains("[3302]", StringComparison.Ordinal) && l.Contains("198.51.100.77", StringComparison.Ordinal));
    }
}
