using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LiveMux.Server.Auth;

namespace LiveMux.Server.Tests.Auth;

/// <summary><c>POST /api/tokens</c>: what it mints, and what it refuses.</summary>
public sealed class TokensEndpointTests(TokenModeFactory factory) : IClassFixture<TokenModeFactory>
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> MintAsync(string json)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/tokens", UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", TokenModeFactory.ApiKey);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(TokenModeFactory.Secret, text, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(text);
        return (response.StatusCode, doc.RootElement.Clone());
    }

    [Theory]
    [InlineData(120, 120)]
    [InlineData(1, 1)]
    [InlineData(2592000, 2592000)]
    [InlineData(null, 3600)]
    public async Task A_minted_token_opens_its_stream_until_it_expires(int? ttl, int expectedTtl)
    {
        var before = DateTimeOffset.UtcNow;
        var (status, body) = await MintAsync(ttl is null ? "{\"stream\":\"demo\"}" : $"{{\"stream\":\"demo\",\"ttlSeconds\":{ttl}}}");
        Assert.Equal(HttpStatusCode.OK, status);
        var token = body.GetProperty("token").GetString()!;
        var expiresText = body.GetProperty("expires").GetString()!;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", expiresText);
        var expires = DateTimeOffset.Parse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.InRange(expires, before.AddSeconds(expectedTtl - 1), DateTimeOffset.UtcNow.AddSeconds(expectedTtl + 1));

        // The expiry inside the token is the one announced.
        Assert.Equal(expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), token.Split('.')[2]);
        var tokens = new ViewerTokens(new AuthOptions { TokenSecret = TokenModeFactory.Secret }, TimeProvider.System);
        Assert.Equal(ViewerTokenStatus.Valid, tokens.Validate(token, "demo"));
        if (expectedTtl > 5)
        {
            Assert.True((await ViewerClient.RequestAsync(factory, "ws", "demo", token)).Passed);
            Assert.False((await ViewerClient.RequestAsync(factory, "ws", "cam1", token)).Passed);
        }
    }

    [Theory]
    [InlineData("{\"stream\":\"demo\",\"ttlSeconds\":0}", "ttlSeconds")]
    [InlineData("{\"stream\":\"demo\",\"ttlSeconds\":-5}", "ttlSeconds")]
    [InlineData("{\"stream\":\"demo\",\"ttlSeconds\":2592001}", "ttlSeconds")]
    [InlineData("{\"ttlSeconds\":60}", "stream")]
    [InlineData("{\"stream\":\"\",\"ttlSeconds\":60}", "stream")]
    [InlineData("{\"stream\":\"two words\"}", "stream")]
    [InlineData("{\"stream\":\"cam1~h264\"}", "stream")]
    [InlineData("{\"stream\":\"-cam\"}", "stream")]
    [InlineData("{}", "stream")]
    public async Task Bad_requests_are_validation_problems(string json, string field)
    {
        var (status, body) = await MintAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("errors").GetProperty(field).ValueKind);
        Assert.Single(body.GetProperty("errors").EnumerateObject());
    }

    [Fact]
    public async Task A_65_character_name_is_refused_and_a_64_character_one_minted()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await MintAsync(JsonSerializer.Serialize(new { stream = new string('a', 65) }))).Status);
        Assert.Equal(HttpStatusCode.OK, (await MintAsync(JsonSerializer.Serialize(new { stream = new string('a', 64) }))).Status);
    }

    [Fact]
    public async Task Minting_needs_admin()
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync(new Uri("/api/tokens", UriKind.Relative), new { stream = "demo", ttlSeconds = 60 });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("v1.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
