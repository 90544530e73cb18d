using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LiveMux.Server.Auth;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LiveMux.Server.Tests.Auth;

/// <summary>Every admin endpoint the server maps, against every kind of credential, from a non-local address.</summary>
public sealed partial class AdminAuthTests(TokenModeFactory factory) : IClassFixture<TokenModeFactory>
{
    private const string Remote = "203.0.113.7";

    private static int s_rows;

    public static TheoryData<string, string?, string?, bool> Credentials => new()
    {
        // name, X-Api-Key, Authorization, granted
        { "no credentials", null, null, false },
        { "bad key", "wrong-key", null, false },
        { "empty key", "", null, false },
        { "bad Bearer", null, "Bearer wrong-key", false },
        { "bad Basic password", null, Basic(TokenModeFactory.User, "wrong"), false },
        { "bad Basic user", null, Basic("root", TokenModeFactory.UserPassword), false },
        { "Basic without a colon", null, "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(TokenModeFactory.User)), false },
        { "Basic not base64", null, "Basic %%%", false },
        { "key as Basic password", null, Basic(TokenModeFactory.User, TokenModeFactory.ApiKey), false },
        { "unknown scheme", null, "Digest username=\"operator\"", false },
        { "good key", TokenModeFactory.ApiKey, null, true },
        { "good Bearer", null, "Bearer " + TokenModeFactory.ApiKey, true },
        { "good Bearer, scheme in lower case", null, "bearer " + TokenModeFactory.ApiKey, true },
        { "good Basic", null, Basic(TokenModeFactory.User, TokenModeFactory.UserPassword), true },
        { "good key beside a bad Basic", TokenModeFactory.ApiKey, Basic(TokenModeFactory.User, "wrong"), true },
    };

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task Every_admin_endpoint_checks_credentials(string name, string? apiKey, string? authorization, bool granted)
    {
        var endpoints = AdminEndpoints(factory);
        Assert.Contains(endpoints, e => e is ("GET", "/api/streams"));
        Assert.Contains(endpoints, e => e is ("POST", "/api/tokens"));

        // Each row from its own address: failed attempts are throttled per address (AdminGuessLimiterTests).
        var remote = $"198.51.100.{Interlocked.Increment(ref s_rows)}";
        Assert.True(endpoints.Count < AdminGuessLimiter.Burst, "more endpoints than failures allowed per address");
        using var client = factory.CreateClient();
        var failures = new List<string>();
        foreach (var (method, path) in endpoints)
        {
            using var request = Request(method, path, remote);
            if (apiKey is not null)
            {
                request.Headers.Add("X-Api-Key", apiKey);
            }

            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (granted)
            {
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    failures.Add($"{method} {path}: {(int)response.StatusCode} {body}");
                }
            }
            else if (response.StatusCode != HttpStatusCode.Unauthorized
                || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || response.Headers.WwwAuthenticate.ToString() != "Basic realm=\"LiveMux\""
                || body.Contains(TokenModeFactory.ApiKey, StringComparison.Ordinal)
                || body.Contains(TokenModeFactory.UserPassword, StringComparison.Ordinal))
            {
                failures.Add($"{method} {path}: {(int)response.StatusCode} {response.Headers.WwwAuthenticate} {body}");
            }
        }

        Assert.True(failures.Count == 0, $"{name}:\n{string.Join('\n', failures)}");
    }

    [Fact]
    public async Task A_refusal_is_a_problem_document()
    {
        using var client = factory.CreateClient();
        using var request = Request("GET", "/api/streams", Remote);
        request.Headers.Add("X-Api-Key", "wrong-key");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, doc.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("invalid admin credentials", doc.RootElement.GetProperty("detail").GetString());
        Assert.Contains(factory.Logs, l => l.Contains("[3101]", StringComparison.Ordinal) && l.Contains(Remote, StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs, l => l.Contains("wrong-key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_credentials_configured_loopback_is_not_enough()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/streams", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void Every_api_endpoint_but_the_viewer_ones_requires_admin()
    {
        var sources = factory.Services.GetRequiredService<EndpointDataSource>();
        var open = sources.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true)
            .Where(e => e.Metadata.GetMetadata<RequireAdminMetadata>() is null)
            .Select(e => e.RoutePattern.RawText!.TrimStart('/'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(["api/frame.jpeg", "api/stream.mp4", "api/ws"], open);
    }

    internal static List<(string Method, string Path)> AdminEndpoints(AuthFactory factory)
    {
        _ = factory.Server;
        var sources = factory.Services.GetRequiredService<EndpointDataSource>();
        var result = new List<(string, string)>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>().Where(e => e.Metadata.GetMetadata<RequireAdminMetadata>() is not null))
        {
            // Route parameters get the configured stream's name, so handlers that look it up find it.
            var path = "/" + RouteParameter().Replace(endpoint.RoutePattern.RawText!.TrimStart('/'), "cam1");
            foreach (var method in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                result.Add((method, path));
            }
        }

        return result;
    }

    internal static HttpRequestMessage Request(string method, string path, string? remote)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        if (remote is not null)
        {
            request.Headers.Add(AuthFactory.RemoteHeader, remote);
        }

        return request;
    }

    internal static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
