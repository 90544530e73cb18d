using System.Net;
using System.Text.Json;
using LiveMux.Server.Auth;

namespace LiveMux.Server.Tests.Auth;

/// <summary>
/// Failed admin authentications are throttled per address and logged in aggregate. The server's clock is a fake
/// one, so the bucket refills only when a test moves it: nothing here depends on how fast the machine is.
/// </summary>
public sealed class AdminGuessLimiterTests(ThrottleFactory factory) : IClassFixture<ThrottleFactory>
{
    [Fact]
    public async Task Guesses_past_the_burst_get_429_and_other_addresses_do_not_notice()
    {
        const string attacker = "203.0.113.50";
        using var client = factory.CreateClient();
        for (var i = 0; i < AdminGuessLimiter.Burst; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, attacker, "wrong-" + i));
        }

        using (var throttled = await RequestAsync(client, attacker, "wrong-last"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), throttled.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);
            Assert.Contains("too many failed admin authentications", JsonDocument.Parse(await throttled.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // The right key too: otherwise its answer would tell the guesser which guess was right.
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(client, attacker, ThrottleFactory.ApiKey));

        // A request without credentials is no guess: it gets its challenge.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, attacker, null));

        // Another address, and the same host's neighbour, are not affected.
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, "203.0.113.51", ThrottleFactory.ApiKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, "203.0.113.51", "wrong"));
    }

    [Fact]
    public async Task Guesses_come_back_with_time()
    {
        const string attacker = "203.0.113.60";
        using var client = factory.CreateClient();
        for (var i = 0; i < AdminGuessLimiter.Burst; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, attacker, "wrong-" + i));
        }

        // The fake clock has not moved: the bucket stays empty however long this takes.
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(client, attacker, "wrong"));

        // The limiter's timer runs on the fake clock, and at each tick the bucket adds the real time since the last
        // one (System.Threading.RateLimiting's manual replenishment), so both must pass a refill period.
        await Task.Delay(AdminGuessLimiter.RefillPeriod + TimeSpan.FromMilliseconds(100));
        factory.Time.Advance(AdminGuessLimiter.RefillPeriod);
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, attacker, ThrottleFactory.ApiKey));
        var guesses = 0;
        HttpStatusCode status;
        while ((status = await SendAsync(client, attacker, "wrong")) == HttpStatusCode.Unauthorized)
        {
            guesses++;
            Assert.True(guesses <= AdminGuessLimiter.Burst, "the bucket holds no more than the burst");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.True(guesses >= 1, "a refill period gave no guess back");
    }

    [Fact]
    public async Task Successes_are_never_throttled()
    {
        using var client = factory.CreateClient();
        for (var i = 0; i < 10 * AdminGuessLimiter.Burst; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await SendAsync(client, "203.0.113.70", ThrottleFactory.ApiKey));
        }
    }

    [Fact]
    public async Task An_ipv6_host_counts_as_its_64()
    {
        using var client = factory.CreateClient();
        for (var i = 0; i < AdminGuessLimiter.Burst; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, $"2001:db8:5:6::{i + 1:x}", "wrong"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(client, "2001:db8:5:6:ffff::1", "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, "2001:db8:5:7::1", "wrong"));
    }

    [Fact]
    public async Task Failures_are_logged_once_then_counted()
    {
        const string attacker = "203.0.113.80";
        using var client = factory.CreateClient();
        const int attempts = 3 * AdminGuessLimiter.Burst;
        for (var i = 0; i < attempts; i++)
        {
            await SendAsync(client, attacker, "wrong-" + i);
        }

        Assert.Single(factory.Logs, l => l.Contains("[3101]", StringComparison.Ordinal) && l.Contains(attacker, StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs, l => l.Contains("[3301]", StringComparison.Ordinal) && l.Contains(attacker, StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs, l => l.Contains("wrong-", StringComparison.Ordinal));

        factory.Time.Advance(RefusalLog.Window);
        var summary = Assert.Single(factory.Logs, l => l.Contains("[3301]", StringComparison.Ordinal) && l.Contains(attacker, StringComparison.Ordinal));
        Assert.Contains($"{attempts - 1} more requests from {attacker} refused in the last 60 s (admin authentication)", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_keys_guessed_on_the_viewer_endpoints_count_too()
    {
        const string attacker = "203.0.113.90";
        using var client = factory.CreateClient();
        for (var i = 0; i < AdminGuessLimiter.Burst; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, attacker, "wrong-" + i, "/api/stream.mp4?src=cam1"));
        }

        // Out of guesses: the right key no longer grants viewing (no oracle), and the admin API answers 429.
        using (var viewer = await RequestAsync(client, attacker, ThrottleFactory.ApiKey, "/api/stream.mp4?src=cam1"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, viewer.StatusCode);
            Assert.Contains("a viewer token is required", await viewer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(client, attacker, ThrottleFactory.ApiKey));
    }

    [Theory]
    [InlineData(null, "local")]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("::1", "::/64")]
    public void Partitions(string? address, string partition) =>
        Assert.Equal(partition, AdminGuessLimiter.Partition(address is null ? null : IPAddress.Parse(address)));

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string remote, string? key, string path = "/api/streams")
    {
        using var response = await RequestAsync(client, remote, key, path);
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> RequestAsync(HttpClient client, string remote, string? key, string path = "/api/streams")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add(AuthFactory.RemoteHeader, remote);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await client.SendAsync(request);
    }
}
