using LiveMux.Server.Auth;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Server.Tests.Auth;

/// <summary>The three viewer endpoints in token mode, against every kind of token and admin credentials.</summary>
public sealed class ViewerAuthTests(TokenModeFactory factory) : IClassFixture<TokenModeFactory>
{
    private static readonly AuthOptions Options = new() { Viewers = ViewerAccessMode.Token, TokenSecret = TokenModeFactory.Secret };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in new[] { "ws", "mp4", "player" })
        {
            foreach (var name in new[] { "none", "malformed", "bad signature", "expired", "wrong stream", "good", "good as Bearer", "admin key", "admin Basic", "bad admin key" })
            {
                data.Add(endpoint, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Viewer_endpoints_check_tokens(string endpoint, string name)
    {
        var good = new ViewerTokens(Options, TimeProvider.System).Mint("demo", TimeSpan.FromMinutes(5)).Token;
        var (token, headers, passes, status, reason) = name switch
        {
            "none" => (null, null, false, 401, "a viewer token is required"),
            "malformed" => ("v1.ZGVtbw.notanumber.AAAA", null, false, 401, "malformed token"),
            "bad signature" => (new ViewerTokens(Options with { TokenSecret = new string('x', 40) }, TimeProvider.System).Mint("demo", TimeSpan.FromMinutes(5)).Token, null, false, 401, "bad token signature"),
            // Minted two hours ago for one hour.
            "expired" => (new ViewerTokens(Options, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2))).Mint("demo", TimeSpan.FromHours(1)).Token, null, false, 401, "token expired"),
            "wrong stream" => (new ViewerTokens(Options, TimeProvider.System).Mint("cam1", TimeSpan.FromMinutes(5)).Token, null, false, 403, "token is for another stream"),
            "good" => (good, null, true, 200, ""),
            "good as Bearer" => (null, new Dictionary<string, string> { ["Authorization"] = "Bearer " + good }, true, 200, ""),
            "admin key" => (null, new Dictionary<string, string> { ["X-Api-Key"] = TokenModeFactory.ApiKey }, true, 200, ""),
            "admin Basic" => (null, new Dictionary<string, string> { ["Authorization"] = AdminAuthTests.Basic(TokenModeFactory.User, TokenModeFactory.UserPassword) }, true, 200, ""),
            "bad admin key" => ((string?)null, (Dictionary<string, string>?)new() { ["X-Api-Key"] = "wrong" }, false, 401, "a viewer token is required"),
            _ => throw new ArgumentException(name),
        };

        var outcome = await ViewerClient.RequestAsync(factory, endpoint, "demo", token, headers);
        Assert.Equal(passes, outcome.Passed);
        if (passes)
        {
            if (endpoint == "ws")
            {
                Assert.Contains("\"type\":\"mse\"", outcome.Detail, StringComparison.Ordinal);
            }
        }
        else
        {
            Assert.Equal($"unauthorized: {reason}", outcome.Detail);
            if (endpoint != "ws")
            {
                Assert.Equal(status, outcome.Status);
            }
        }
    }

    [Theory]
    [InlineData("ws")]
    [InlineData("player")]
    public async Task A_public_stream_needs_no_token(string endpoint)
    {
        Assert.True((await ViewerClient.RequestAsync(factory, endpoint, "lobby", null)).Passed);
        Assert.False((await ViewerClient.RequestAsync(factory, endpoint, "cam1", null)).Passed);
    }

    [Fact]
    public async Task A_streams_token_covers_its_h264_companion()
    {
        var token = new ViewerTokens(Options, TimeProvider.System).Mint("demo", TimeSpan.FromMinutes(5)).Token;
        var outcome = await ViewerClient.RequestAsync(factory, "ws", "demo~h264", token);
        Assert.True(outcome.Passed, outcome.Detail);
        Assert.Contains("unknown stream", outcome.Detail, StringComparison.Ordinal); // no companion configured: past auth, then not found
        var other = new ViewerTokens(Options, TimeProvider.System).Mint("cam1", TimeSpan.FromMinutes(5)).Token;
        Assert.False((await ViewerClient.RequestAsync(factory, "ws", "demo~h264", other)).Passed);
    }

    [Fact]
    public async Task The_player_page_is_not_cached_and_sends_no_referrer_in_token_mode()
    {
        var token = new ViewerTokens(Options, TimeProvider.System).Mint("demo", TimeSpan.FromMinutes(5)).Token;
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri($"/player.html?src=demo&token={token}", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Theory]
    [InlineData("/PLAYER.HTML?src=demo")]
    [InlineData("/Player.html?src=demo")]
    [InlineData("/player.html")]
    [InlineData("//player.html?src=demo")] // the file provider drops leading separators
    [InlineData("///player.html?src=demo")]
    public async Task Static_files_do_not_bypass_the_player_page_gate(string path)
    {
        using var client = factory.CreateClient();
        var uri = new Uri("http://localhost" + path);
        Assert.EndsWith("player.html", uri.AbsolutePath, StringComparison.OrdinalIgnoreCase);
        using var response = await client.GetAsync(uri);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
