using System.Net;

namespace LiveMux.Server.Tests.Auth;

/// <summary>
/// <c>LiveMux:Metrics:RequireAdmin</c>: /metrics behind the admin gate, while the health probes stay anonymous
/// (an orchestrator's probe carries no credentials). Without the setting, /metrics is anonymous.
/// </summary>
public sealed class MetricsAuthTests(MetricsAuthTests.GatedFactory gated, MetricsAuthTests.OpenFactory open)
    : IClassFixture<MetricsAuthTests.GatedFactory>, IClassFixture<MetricsAuthTests.OpenFactory>
{
    private const string Key = "metrics-key-0123456789";

    public sealed class GatedFactory : AuthFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            ["LiveMux:Auth:ApiKey"] = Key,
            ["LiveMux:Metrics:RequireAdmin"] = "true",
        };
    }

    public sealed class OpenFactory : AuthFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["LiveMux:Auth:ApiKey"] = Key };
    }

    [Theory]
    [InlineData(true, "/metrics", null, HttpStatusCode.Unauthorized)]
    [InlineData(true, "/metrics", "wrong-key", HttpStatusCode.Unauthorized)]
    [InlineData(true, "/metrics", Key, HttpStatusCode.OK)]
    [InlineData(true, "/healthz", null, HttpStatusCode.OK)]
    [InlineData(true, "/readyz", null, HttpStatusCode.OK)]
    [InlineData(false, "/metrics", null, HttpStatusCode.OK)]
    [InlineData(false, "/metrics", "wrong-key", HttpStatusCode.OK)]
    public async Task Metrics_are_admin_only_when_configured(bool requireAdmin, string path, string? key, HttpStatusCode expected)
    {
        using var client = requireAdmin ? gated.CreateClient() : open.CreateClient();
        using var request = AdminAuthTests.Request("GET", path, "203.0.113.9");
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK && path == "/metrics")
        {
            Assert.Contains("livemux_stream_state{stream=\"cam1\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
