using System.Security.Cryptography;
using System.Text;
using LiveMux.Rtsp.Auth;

namespace LiveMux.Rtsp.Tests.Auth;

public sealed class DigestAuthTests
{
    private static string Md5(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));

    [Fact]
    public void Rfc2617_worked_example()
    {
        // RFC 2617 section 3.5: the documented response is 6629fae49393a05397450978507c4ef1.
        var ha1 = Md5("Mufasa:testrealm@host.com:Circle Of Life");
        var ha2 = Md5("GET:/dir/index.html");
        var expected = Md5($"{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:0a4f113b:auth:{ha2}");
        Assert.Equal("6629fae49393a05397450978507c4ef1", expected);

        var actual = DigestAuth.ComputeResponse("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life",
            "dcd98b7102dd2f0e8b11d0f600bfb0c093", "GET", "/dir/index.html", "auth", "00000001", "0a4f113b");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Without_qop_uses_rfc2069_form()
    {
        var expected = Md5($"{Md5("u:r:p")}:n1:{Md5("DESCRIBE:rtsp://h/s")}");
        Assert.Equal(expected, DigestAuth.ComputeResponse("MD5", "u", "r", "p", "n1", "DESCRIBE", "rtsp://h/s", null, "00000001", "c"));
    }

    [Fact]
    public void Md5_sess_rehashes_ha1_with_nonce_and_cnonce()
    {
        var ha1 = Md5($"{Md5("u:r:p")}:n1:c1");
        var expected = Md5($"{ha1}:n1:00000001:c1:auth:{Md5("PLAY:rtsp://h/s")}");
        Assert.Equal(expected, DigestAuth.ComputeResponse("MD5-sess", "u", "r", "p", "n1", "PLAY", "rtsp://h/s", "auth", "00000001", "c1"));
    }

    [Fact]
    public void Authenticator_builds_rfc2617_header_and_counts_nonces()
    {
        var challenges = AuthChallenge.ParseAll(
        [
            "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
        ]);
        var auth = RtspAuthenticator.TryCreate("Mufasa", "Circle Of Life", challenges, out var reason, () => "0a4f113b");
        Assert.NotNull(auth);
        Assert.Null(reason);
        var header = auth.CreateHeader("GET", "/dir/index.html");
        Assert.Equal(
            "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", " +
            "uri=\"/dir/index.html\", response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", " +
            "qop=auth, nc=00000001, cnonce=\"0a4f113b\"",
            header);
        Assert.Contains("nc=00000002", auth.CreateHeader("GET", "/dir/index.html"), StringComparison.Ordinal);
        Assert.DoesNotContain("Circle", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Digest_is_recomputed_per_method_and_uri()
    {
        var challenges = AuthChallenge.ParseAll(["Digest realm=\"cam\", nonce=\"abc\""]);
        var auth = RtspAuthenticator.TryCreate("admin", "pw", challenges, out _)!;
        var describe = auth.CreateHeader("DESCRIBE", "rtsp://h:554/s");
        var setup = auth.CreateHeader("SETUP", "rtsp://h:554/s/trackID=1");
        Assert.Contains($"response=\"{Md5($"{Md5("admin:cam:pw")}:abc:{Md5("DESCRIBE:rtsp://h:554/s")}")}\"", describe, StringComparison.Ordinal);
        Assert.Contains($"response=\"{Md5($"{Md5("admin:cam:pw")}:abc:{Md5("SETUP:rtsp://h:554/s/trackID=1")}")}\"", setup, StringComparison.Ordinal);
        Assert.DoesNotContain("qop", describe, StringComparison.Ordinal);
    }

    [Fact]
    public void Prefers_digest_over_basic_and_falls_back_to_basic()
    {
        var both = AuthChallenge.ParseAll(["Basic realm=\"cam\"", "Digest realm=\"cam\", nonce=\"n\", stale=FALSE"]);
        Assert.Equal("Digest", RtspAuthenticator.TryCreate("u", "p", both, out _)!.Scheme);

        var basicOnly = AuthChallenge.ParseAll(["Basic realm=\"cam\""]);
        var basic = RtspAuthenticator.TryCreate("u", "p:x", basicOnly, out _)!;
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p:x")), basic.CreateHeader("DESCRIBE", "rtsp://h/"));
    }

    [Theory]
    [InlineData("Digest realm=\"cam\", nonce=\"n\", algorithm=SHA-512-256", "SHA-512-256")]
    [InlineData("Digest realm=\"cam\", nonce=\"n\", qop=\"auth-int\"", "Digest")]
    [InlineData("Bearer realm=\"x\"", "Bearer")]
    public void Unsupported_challenges_give_a_reason(string header, string mentioned)
    {
        var auth = RtspAuthenticator.TryCreate("u", "p", AuthChallenge.ParseAll([header]), out var reason);
        Assert.Null(auth);
        Assert.Contains(mentioned, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Stale_challenge_renews_the_nonce_and_resets_the_count()
    {
        var auth = RtspAuthenticator.TryCreate("u", "p", AuthChallenge.ParseAll(["Digest realm=\"r\", nonce=\"old\", qop=auth"]), out _)!;
        auth.CreateHeader("OPTIONS", "rtsp://h/");
        Assert.False(auth.TryRenewStale(AuthChallenge.ParseAll(["Digest realm=\"r\", nonce=\"new\", qop=auth"])));
        Assert.True(auth.TryRenewStale(AuthChallenge.ParseAll(["Digest realm=\"r\", nonce=\"new\", qop=auth, stale=TRUE"])));
        var header = auth.CreateHeader("OPTIONS", "rtsp://h/");
        Assert.Contains("nonce=\"new\"", header, StringComparison.Ordinal);
        Assert.Contains("nc=00000001", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Challenge_parser_handles_quoting_escapes_and_several_challenges_per_header()
    {
        var list = AuthChallenge.ParseAll(["Digest realm=\"a \\\"q\\\", b\", nonce=xyz,opaque=\"o\" , Basic realm=\"c\""]);
        Assert.Equal(2, list.Count);
        Assert.Equal("a \"q\", b", list[0]["realm"]);
        Assert.Equal("xyz", list[0]["NONCE"]);
        Assert.Equal("o", list[0]["opaque"]);
        Assert.True(list[1].IsBasic);
        Assert.Equal("c", list[1]["realm"]);
    }

    // RFC 7616 section 3.9.1: the same request answered with SHA-256 and with MD5; the documented responses.
    [Theory]
    [InlineData("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    [InlineData("MD5", "8ca523f5e9506fed4657c9700eebdbec")]
    public void Rfc7616_worked_example(string algorithm, string expected)
    {
        var actual = DigestAuth.ComputeResponse(algorithm, "Mufasa", "http-auth@example.org", "Circle of Life",
            "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "GET", "/dir/index.html", "auth", "00000001",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Rfc7616_example_header_through_the_authenticator()
    {
        var challenges = AuthChallenge.ParseAll(
        [
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
        ]);
        var auth = RtspAuthenticator.TryCreate("Mufasa", "Circle of Life", challenges, out _, () => "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")!;
        var header = auth.CreateHeader("GET", "/dir/index.html");
        Assert.Contains("algorithm=SHA-256", header, StringComparison.Ordinal);
        Assert.Contains("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\"", header, StringComparison.Ordinal);
    }

    // Which challenge wins when a server offers several: SHA-256 > MD5 > Basic, whatever the order.
    [Theory]
    [InlineData("SHA-256", "Basic realm=\"c\"", "Digest realm=\"c\", nonce=\"n\"", "Digest realm=\"c\", nonce=\"n\", algorithm=SHA-256")]
    [InlineData("SHA-256", "Digest realm=\"c\", nonce=\"n\", algorithm=SHA-256-sess", "Digest realm=\"c\", nonce=\"n\", algorithm=MD5")]
    [InlineData("MD5", "Basic realm=\"c\"", "Digest realm=\"c\", nonce=\"n\", algorithm=MD5", "Digest realm=\"c\", nonce=\"n\", algorithm=SHA-512")]
    [InlineData("Basic", "Digest realm=\"c\", nonce=\"n\", algorithm=SHA-512", "Basic realm=\"c\"", "Bearer x")]
    public void Picks_the_strongest_challenge(string expected, params string[] headers)
    {
        var auth = RtspAuthenticator.TryCreate("u", "p", AuthChallenge.ParseAll(headers), out _)!;
        var header = auth.CreateHeader("DESCRIBE", "rtsp://h/");
        if (expected == "Basic")
        {
            Assert.StartsWith("Basic ", header, StringComparison.Ordinal);
            return;
        }
        var expectedAlgorithm = expected == "MD5" ? "MD5" : "SHA-256";
        Assert.Contains($"algorithm={expectedAlgorithm}", header, StringComparison.Ordinal);
        // SHA-256 hex is 64 characters, MD5 32.
        var response = header[(header.IndexOf("response=\"", StringComparison.Ordinal) + 10)..];
        Assert.Equal(expected == "MD5" ? 32 : 64, response.IndexOf('"', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("admin\r\nX-Injected: 1", "pw")]
    [InlineData("admin", "pw\n")]
    [InlineData("admin\0", "pw")]
    public void Credentials_with_control_characters_never_reach_a_header(string user, string password)
    {
        var challenges = AuthChallenge.ParseAll(["Digest realm=\"cam\", nonce=\"abc\", Basic realm=\"cam\""]);
        Assert.Null(RtspAuthenticator.TryCreate(user, password, challenges, out var reason));
        Assert.Contains("control character", reason, StringComparison.Ordinal);
    }
}
