using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Server.Tests.Auth;

/// <summary>No credentials (loopback admin) and one public host name.</summary>
public sealed class PublicHostsFactory : AuthFactory
{
    public const string PublicHost = "cams.example.com";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["LiveMux:PublicHosts:0"] = PublicHost,
    };
}

/// <summary>No credentials (loopback admin); every origin, opaque ones too, may open viewer sockets.</summary>
public sealed class AnyOriginFactory : AuthFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["LiveMux:Auth:AllowedOrigins:0"] = "*",
        ["LiveMux:Auth:AllowedOrigins:1"] = "null",
    };
}

/// <summary>An admin key, viewer tokens, and a clock that moves only when the test says: the guess limiter's bucket refills on it.</summary>
public sealed class ThrottleFactory : AuthFactory
{
    public const string ApiKey = "throttle-test-key-0123456789";

    public FakeTimeProvider Time { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["LiveMux:Auth:ApiKey"] = ApiKey,
        ["LiveMux:Auth:Viewers"] = "token",
        ["LiveMux:Auth:TokenSecret"] = "throttle-test-token-secret-0123456789abcdef",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }
}
