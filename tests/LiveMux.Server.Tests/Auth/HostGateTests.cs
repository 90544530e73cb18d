using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LiveMux.Server.Tests.Auth;

/// <summary>DNS rebinding: a foreign Host reaches no route but the health probes; IP addresses and listed names do.</summary>
public sealed class HostGateTests(PublicHostsFactory factory) : IClassFixture<PublicHostsFactory>
{
    public static TheoryData<string> EveryKindOfRoute => new()
    {
        "/api/streams", "/api/streams/cam1", "/", "/index.html", "/player.html?src=cam1", "/livemux-player.js",
        "/api/stream.mp4?src=cam1", "/metrics", "/openapi/v1.json", "/no-such-file",
    };

    [Theory]
    [MemberData(nameof(EveryKindOfRoute))]
    public async Task A_rebound_name_is_refused_on_every_route(string path)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("http://evil.example:8080" + path));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Contains("'evil.example'", detail, StringComparison.Ordinal);
        Assert.Contains("LiveMux:PublicHosts", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rebound_name_cannot_change_anything()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri("http://evil.example/api/streams/cam1"));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var list = await client.GetAsync(new Uri("/api/streams", UriKind.Relative));
        Assert.Contains("\"cam1\"", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Health_probes_answer_any_name(string path)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("http://livemux.default.svc.cluster.local:8080" + path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_rebound_name_opens_no_viewer_socket_even_with_its_own_origin()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsync("evil.example:8080", "http://evil.example:8080"));
        Assert.Contains("403", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("192.168.1.10:8080", "http://192.168.1.10:8080")]
    [InlineData("[2001:db8::10]:8080", "http://[2001:db8::10]:8080")]
    [InlineData(PublicHostsFactory.PublicHost, "http://" + PublicHostsFactory.PublicHost)]
    [InlineData("localhost:8080", "http://localhost:8080")]
    public async Task Ip_addresses_and_listed_names_open_viewer_sockets(string host, string origin)
    {
        using var socket = await ConnectAsync(host, origin);
        Assert.Equal(WebSocketState.Open, socket.State);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }

    [Theory]
    [InlineData("http://192.168.1.10:8080/player.html?src=cam1")]
    [InlineData("http://192.168.1.10:8080/")]
    [InlineData("http://[2001:db8::10]:8080/player.html?src=cam1")]
    [InlineData("http://cams.example.com/player.html?src=cam1")]
    [InlineData("http://CAMS.EXAMPLE.COM./")]
    public async Task Lan_access_by_ip_or_listed_name_serves_the_pages(string url)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url));
        request.Headers.Add(AuthFactory.RemoteHeader, "192.168.1.20");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("http://localhost:8080/api/streams", HttpStatusCode.OK)]
    [InlineData("http://127.0.0.1:8080/api/streams", HttpStatusCode.OK)]
    [InlineData("http://[::1]:8080/api/streams", HttpStatusCode.OK)]
    [InlineData("http://192.168.1.10:8080/api/streams", HttpStatusCode.Forbidden)]
    [InlineData("http://cams.example.com/api/streams", HttpStatusCode.Forbidden)]
    public async Task Loopback_without_credentials_is_admin_only_under_a_loopback_name(string url, HttpStatusCode expected)
    {
        using var client = factory.CreateClient();
        foreach (var remote in new[] { null, "127.0.0.1", "::1" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url));
            if (remote is not null)
            {
                request.Headers.Add(AuthFactory.RemoteHeader, remote);
            }

            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"{url} from {remote ?? "(none)"}: {(int)response.StatusCode} {body}");
            if (expected == HttpStatusCode.Forbidden)
            {
                Assert.Contains("loopback address in the URL", body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Refusals_are_logged_once_per_address_not_per_request()
    {
        using var client = factory.CreateClient();
        for (var i = 0; i < 20; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("http://flood.example/api/streams"));
            request.Headers.Add(AuthFactory.RemoteHeader, "198.51.100.200");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        var lines = factory.Logs.Where(l => l.Contains("[3300]", StringComparison.Ordinal) && l.Contains("198.51.100.200", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        Assert.Contains("Host flood.example", lines[0], StringComparison.Ordinal);
    }

    private async Task<WebSocket> ConnectAsync(string host, string origin)
    {
        var client = factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = r =>
        {
            r.Host = new HostString(host);
            r.Headers.Origin = origin;
            r.Headers[AuthFactory.RemoteHeader] = "192.168.1.20";
        };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await client.ConnectAsync(new Uri($"ws://localhost/api/ws?src=cam1"), cts.Token);
    }
}
