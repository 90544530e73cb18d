using System.Net;
using System.Text.Json;

namespace LiveMux.Server.Tests.Auth;

/// <summary>With no admin credentials configured, admin endpoints answer loopback callers only.</summary>
public sealed class LoopbackDefaultTests(DefaultAuthFactory factory) : IClassFixture<DefaultAuthFactory>
{
    [Theory]
    [InlineData(null, true)] // TestServer: no remote address, as on a Unix socket
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.2", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("192.168.1.20", false)]
    [InlineData("203.0.113.7", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("2001:db8::1", false)]
    public async Task Admin_endpoints_answer_loopback_only(string? remote, bool granted)
    {
        using var client = factory.CreateClient();
        foreach (var (method, path) in AdminAuthTests.AdminEndpoints(factory))
        {
            using var request = AdminAuthTests.Request(method, path, remote);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (granted)
            {
                Assert.False(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{method} {path}: {body}");
            }
            else
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("localhost", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Credentials_sent_to_a_server_without_any_do_not_help_a_remote_caller()
    {
        using var client = factory.CreateClient();
        using var request = AdminAuthTests.Request("GET", "/api/streams", "203.0.113.7");
        request.Headers.Add("X-Api-Key", "anything");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Minting_without_a_token_secret_is_a_conflict()
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsync(new Uri("/api/tokens", UriKind.Relative), JsonContent("{\"stream\":\"cam1\",\"ttlSeconds\":60}"));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("TokenSecret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Viewers_are_open_by_default_even_to_remote_callers()
    {
        using var client = factory.CreateClient();
        using var request = AdminAuthTests.Request("GET", "/player.html?src=cam1", "203.0.113.7");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("livemux-player", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
