using LiveMux.Server.Auth;

namespace LiveMux.Server.Tests.Auth;

public sealed class AuthOptionsValidatorTests
{
    private const string Secret32 = "0123456789abcdef0123456789abcdef";

    public static TheoryData<string, AuthOptions, string?> Cases => new()
    {
        { "nothing configured", new AuthOptions(), null },
        { "an API key", new AuthOptions { ApiKey = "k" }, null },
        { "Basic", new AuthOptions { Username = "u", Password = "p" }, null },
        { "token mode", new AuthOptions { Viewers = ViewerAccessMode.Token, TokenSecret = Secret32 }, null },
        { "a secret in open mode (minting ahead)", new AuthOptions { TokenSecret = Secret32 }, null },
        { "origins", new AuthOptions { AllowedOrigins = ["*", "null", "https://a.example", "http://b.example:8080/", "http://[::1]:9000"] }, null },
        { "public streams", new AuthOptions { PublicStreams = ["lobby", "cam-1.hall"] }, null },
        { "token mode without a secret", new AuthOptions { Viewers = ViewerAccessMode.Token }, "LiveMux:Auth:TokenSecret is required" },
        { "a short secret", new AuthOptions { Viewers = ViewerAccessMode.Token, TokenSecret = Secret32[..31] }, "LiveMux:Auth:TokenSecret must be at least 32" },
        { "a short secret in open mode", new AuthOptions { TokenSecret = "short" }, "LiveMux:Auth:TokenSecret must be at least 32" },
        { "a username alone", new AuthOptions { Username = "u" }, "LiveMux:Auth:Username and LiveMux:Auth:Password are set together" },
        { "a password alone", new AuthOptions { Password = "p" }, "LiveMux:Auth:Username and LiveMux:Auth:Password are set together" },
        { "a colon in the username", new AuthOptions { Username = "a:b", Password = "p" }, "LiveMux:Auth:Username must not contain ':'" },
        { "a blank API key", new AuthOptions { ApiKey = "   " }, "LiveMux:Auth:ApiKey must not be blank" },
        { "a bad public stream", new AuthOptions { PublicStreams = ["ok", "bad name"] }, "LiveMux:Auth:PublicStreams:1 is not a stream name" },
        { "an origin with a path", new AuthOptions { AllowedOrigins = ["https://a.example/app"] }, "LiveMux:Auth:AllowedOrigins:0 must be an origin" },
        { "an origin without a scheme", new AuthOptions { AllowedOrigins = ["a.example"] }, "LiveMux:Auth:AllowedOrigins:0 must be an origin" },
        { "a ws origin", new AuthOptions { AllowedOrigins = ["ws://a.example"] }, "LiveMux:Auth:AllowedOrigins:0 must be an origin" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Auth_options_are_validated(string name, AuthOptions auth, string? error)
    {
        var errors = LiveMuxOptionsValidator.Validate(new LiveMuxOptions { Auth = auth });
        if (error is null)
        {
            Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors)}");
        }
        else
        {
            var single = Assert.Single(errors);
            Assert.StartsWith(error, single, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Errors_never_echo_a_secret()
    {
        var auth = new AuthOptions { ApiKey = "  ", Username = "me:x", Password = "pw-value-1", TokenSecret = "short-secret-value" };
        var text = string.Join('\n', LiveMuxOptionsValidator.Validate(new LiveMuxOptions { Auth = auth }));
        Assert.Contains("TokenSecret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-value-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret-value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("me:x", text, StringComparison.Ordinal);
    }
}
