using System.Net;
using System.Text;
using LiveMux.Rtsp.Auth;
using LiveMux.Rtsp.Server;
using LiveMux.Server.Auth;
using LiveMux.Server.Egress.Rtsp;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Server.Tests.Egress.Rtsp;

/// <summary>
/// Who reads and publishes over RTSP: the web's viewer rules spelled as RTSP refusals, and wrong passwords counted
/// like wrong admin credentials on the API.
/// </summary>
public sealed class RtspAccessPolicyTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef-rtsp";
    private static readonly IPEndPoint Remote = new(IPAddress.Parse("192.0.2.50"), 40000);
    private static readonly AuthOptions Token = new()
    {
        Viewers = ViewerAccessMode.Token,
        TokenSecret = Secret,
        PublicStreams = ["lobby"],
        Username = "admin",
        Password = "admin-password-1",
        ApiKey = "api-key-0123456789",
    };

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-05T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public static TheoryData<string, string, RtspRefusal, string> ReadCases() => new()
    {
        { "no credentials", "cam", RtspRefusal.Unauthorized, "a viewer token is required as the password" },
        { "token", "cam", RtspRefusal.None, "" },
        { "token", "cam~h264", RtspRefusal.None, "" }, // the companion is the same camera
        { "token for another stream", "cam", RtspRefusal.Forbidden, "token is for another stream" },
        { "expired token", "cam", RtspRefusal.Unauthorized, "token expired" },
        { "token signed with another secret", "cam", RtspRefusal.Unauthorized, "bad token signature" },
        { "malformed token", "cam", RtspRefusal.Unauthorized, "malformed token" },
        { "admin password", "cam", RtspRefusal.None, "" },
        { "api key", "cam", RtspRefusal.None, "" },
        { "wrong password", "cam", RtspRefusal.Unauthorized, "wrong credentials: the password must be a viewer token for this stream" },
        { "no credentials", "lobby", RtspRefusal.None, "" },
        { "no credentials", "lobby~h264", RtspRefusal.None, "" },
    };

    [Theory]
    [MemberData(nameof(ReadCases))]
    public void Readers_follow_the_viewer_rules(string credentials, string stream, RtspRefusal refusal, string reason)
    {
        var (policy, _) = Policy(Token);
        var password = credentials switch
        {
            "no credentials" => null,
            "token" => Mint(Token, "cam", TimeSpan.FromMinutes(5)),
            "token for another stream" => Mint(Token, "other", TimeSpan.FromMinutes(5)),
            "expired token" => Mint(Token, "cam", TimeSpan.FromMinutes(1)),
            "token signed with another secret" => Mint(Token with { TokenSecret = new string('x', 40) }, "cam", TimeSpan.FromMinutes(5)),
            "malformed token" => "v1.Y2Ft.notanumber.AAAA",
            "admin password" => Token.Password,
            "api key" => Token.ApiKey,
            _ => "not-the-password",
        };
        if (credentials == "expired token")
        {
            _time.Advance(TimeSpan.FromMinutes(2));
        }

        var user = credentials == "admin password" ? "admin" : "anyone";
        Assert.Equal((refusal, reason), policy.CheckRead(stream, password is null ? null : Basic(user, password), Remote));
    }

    [Fact]
    public void Open_viewers_read_without_credentials()
    {
        var (policy, _) = Policy(Token with { Viewers = ViewerAccessMode.Open });
        Assert.Equal((RtspRefusal.None, ""), policy.CheckRead("cam", null, Remote));
    }

    [Fact]
    public void Wrong_passwords_are_counted_until_the_address_is_refused_unchecked_but_tokens_are_not_guesses()
    {
        var (policy, limiter) = Policy(Token);
        var expired = Mint(Token, "cam", TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 3 * AdminGuessLimiter.Burst; i++)
        {
            Assert.Equal(RtspRefusal.Unauthorized, policy.CheckRead("cam", Basic("anyone", expired), Remote).Refusal);
        }

        Assert.False(limiter.IsThrottled(AdminGuessLimiter.Partition(Remote.Address)));

        for (var i = 0; i < AdminGuessLimiter.Burst; i++)
        {
            policy.CheckRead("cam", Basic("admin", "guess" + i), Remote);
        }

        // Out of guesses: even the right password is not checked (the limiter's own tests cover the refill), while
        // another address is untouched.
        Assert.Equal((RtspRefusal.Unauthorized, "too many failed attempts; wait a second"), policy.CheckRead("cam", Basic("admin", Token.Password!), Remote));
        Assert.Equal(RtspRefusal.None, policy.CheckRead("cam", Basic("admin", Token.Password!), new IPEndPoint(IPAddress.Parse("192.0.2.51"), 1)).Refusal);
    }

    [Fact]
    public void Publishers_need_the_streams_publish_password_and_wrong_ones_are_counted()
    {
        var (policy, limiter) = Policy(Token);
        Assert.Equal((RtspRefusal.Unauthorized, "the publish password is required"), policy.CheckPublish("publish-password", null, Remote));
        Assert.Equal((RtspRefusal.None, ""), policy.CheckPublish("publish-password", Basic("whoever", "publish-password"), Remote));
        Assert.Equal((RtspRefusal.Unauthorized, "wrong publish password"), policy.CheckPublish("publish-password", Basic("whoever", "Publish-password"), Remote));

        // A viewer token or the admin's password is not a publish password.
        Assert.Equal(RtspRefusal.Unauthorized, policy.CheckPublish("publish-password", Basic("admin", Token.Password!), Remote).Refusal);
        Assert.Equal(RtspRefusal.Unauthorized, policy.CheckPublish("publish-password", Basic("x", Mint(Token, "cam", TimeSpan.FromMinutes(5))), Remote).Refusal);
        for (var i = 0; i < AdminGuessLimiter.Burst; i++)
        {
            policy.CheckPublish("publish-password", Basic("x", "guess" + i), Remote);
        }

        Assert.True(limiter.IsThrottled(AdminGuessLimiter.Partition(Remote.Address)));
        Assert.Equal((RtspRefusal.Unauthorized, "too many failed attempts; wait a second"), policy.CheckPublish("publish-password", Basic("x", "publish-password"), Remote));
    }

    private (RtspAccessPolicy Policy, AdminGuessLimiter Limiter) Policy(AuthOptions options)
    {
        var limiter = new AdminGuessLimiter(_time);
        return (new RtspAccessPolicy(options, new ViewerRules(options, new ViewerTokens(options, _time)), limiter), limiter);
    }

    private string Mint(AuthOptions options, string stream, TimeSpan lifetime) => new ViewerTokens(options, _time).Mint(stream, lifetime).Token;

    private RtspCredentials Basic(string user, string password)
    {
        var header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        return RtspCredentials.TryRead(header, "DESCRIBE", "LiveMux", new ServerNonces(_time, TimeSpan.FromMinutes(5)), out _)!;
    }
}
