using System.Net;

namespace LiveMux.Server.Tests.Auth;

/// <summary>An API key alone: Basic is not accepted, and the challenge names Bearer.</summary>
public sealed class ApiKeyOnlyTests(ApiKeyOnlyTests.KeyFactory factory) : IClassFixture<ApiKeyOnlyTests.KeyFactory>
{
    public sealed class KeyFactory : AuthFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["LiveMux:Auth:ApiKey"] = "only-a-key-0123456789" };
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("Basic b25seS1hLWtleS0wMTIzNDU2Nzg5Og==", HttpStatusCode.Unauthorized)] // the key as a Basic user, no password
    [InlineData("Bearer only-a-key-0123456789", HttpStatusCode.OK)]
    public async Task Only_the_key_is_admin(string? authorization, HttpStatusCode expected)
    {
        using var client = factory.CreateClient();
        using var request = AdminAuthTests.Request("GET", "/api/streams", "203.0.113.7");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Bearer realm=\"LiveMux\"", response.Headers.WwwAuthenticate.ToString());
        }
    }
}
