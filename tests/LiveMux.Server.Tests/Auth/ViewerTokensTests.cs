using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using LiveMux.Server.Auth;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Server.Tests.Auth;

public sealed class ViewerTokensTests
{
    private const string Secret = "a-token-secret-of-at-least-32-chars!";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AuthOptions Options = new() { Viewers = ViewerAccessMode.Token, TokenSecret = Secret };

    [Fact]
    public void The_format_is_the_contracts_computed_independently()
    {
        var tokens = new ViewerTokens(Options, new FakeTimeProvider(Start));
        var expires = Start.AddHours(1);
        var expiry = expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"v1\ncam-1.hall\n{expiry}"));
        static string B64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expected = $"v1.{B64Url(Encoding.UTF8.GetBytes("cam-1.hall"))}.{expiry}.{B64Url(mac)}";
        Assert.Equal(expected, tokens.Create("cam-1.hall", expires));
        Assert.Equal(ViewerTokenStatus.Valid, tokens.Validate(expected, "cam-1.hall"));
    }

    [Fact]
    public void A_token_expires_at_its_expiry_second()
    {
        var clock = new FakeTimeProvider(Start);
        var tokens = new ViewerTokens(Options, clock);
        var (token, expires) = tokens.Mint("cam1", TimeSpan.FromSeconds(60));
        Assert.Equal(Start.AddSeconds(60), expires);
        Assert.Equal(ViewerTokenStatus.Valid, tokens.Validate(token, "cam1"));
        clock.Advance(TimeSpan.FromSeconds(59.9));
        Assert.Equal(ViewerTokenStatus.Valid, tokens.Validate(token, "cam1"));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(ViewerTokenStatus.Expired, tokens.Validate(token, "cam1"));
        clock.Advance(TimeSpan.FromDays(400));
        Assert.Equal(ViewerTokenStatus.Expired, tokens.Validate(token, "cam1"));
    }

    [Fact]
    public void A_fractional_ttl_rounds_the_expiry_up()
    {
        var tokens = new ViewerTokens(Options, new FakeTimeProvider(Start.AddMilliseconds(300)));
        Assert.Equal(Start.AddSeconds(2), tokens.Mint("cam1", TimeSpan.FromSeconds(1)).Expires);
    }

    [Fact]
    public void A_token_is_for_one_stream()
    {
        var tokens = new ViewerTokens(Options, new FakeTimeProvider(Start));
        var token = tokens.Mint("cam1", TimeSpan.FromHours(1)).Token;
        Assert.Equal(ViewerTokenStatus.WrongStream, tokens.Validate(token, "cam2"));
        Assert.Equal(ViewerTokenStatus.WrongStream, tokens.Validate(token, "CAM1"));
        Assert.Equal(ViewerTokenStatus.WrongStream, tokens.Validate(token, ""));
    }

    public static TheoryData<string, string> Tampered()
    {
        var tokens = new ViewerTokens(Options, new FakeTimeProvider(Start));
        var token = tokens.Create("cam1", Start.AddHours(1));
        var p = token.Split('.');
        var other = new ViewerTokens(Options with { TokenSecret = Secret + "2" }, new FakeTimeProvider(Start)).Create("cam1", Start.AddHours(1));
        var flipped = Base64Url.DecodeFromChars(p[3]);
        flipped[0] ^= 1;
        return new TheoryData<string, string>
        {
            { "another secret", other },
            { "another stream, same signature", $"v1.{Base64Url.EncodeToString("cam2"u8)}.{p[2]}.{p[3]}" },
            { "a later expiry, same signature", $"v1.{p[1]}.{long.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture) + 3600}.{p[3]}" },
            { "a flipped signature bit", $"v1.{p[1]}.{p[2]}.{Base64Url.EncodeToString(flipped)}" },
        };
    }

    [Theory]
    [MemberData(nameof(Tampered))]
    public void A_tampered_token_has_a_bad_signature(string name, string token)
    {
        var tokens = new ViewerTokens(Options, new FakeTimeProvider(Start));
        Assert.True(ViewerTokenStatus.BadSignature == tokens.Validate(token, "cam1") || ViewerTokenStatus.BadSignature == tokens.Validate(token, "cam2"), name);
        Assert.NotEqual(ViewerTokenStatus.Valid, tokens.Validate(token, "cam1"));
        Assert.NotEqual(ViewerTokenStatus.Valid, tokens.Validate(token, "cam2"));
    }

    public static TheoryData<string> Malformed()
    {
        var good = new ViewerTokens(Options, new FakeTimeProvider(Start)).Create("cam1", Start.AddHours(1));
        var p = good.Split('.');
        return new TheoryData<string>
        {
            "",
            "v1",
            "v1.Y2FtMQ",
            $"v1.{p[1]}.{p[2]}",
            $"{good}.extra",
            $"v2.{p[1]}.{p[2]}.{p[3]}",
            $"V1.{p[1]}.{p[2]}.{p[3]}",
            $"v1..{p[2]}.{p[3]}",
            $"v1.{p[1]}..{p[3]}",
            $"v1.{p[1]}.{p[2]}.",
            $"v1.Y2F*MQ.{p[2]}.{p[3]}",
            $"v1.{p[1]}.-{p[2]}.{p[3]}",
            $"v1.{p[1]}.+{p[2]}.{p[3]}",
            $"v1.{p[1]}.1e9.{p[3]}",
            $"v1.{p[1]}.99999999999999999999999.{p[3]}",
            $"v1.{p[1]}.{p[2]}.{p[3][..^2]}", // a short signature
            $"v1.{p[1]}.{p[2]}.{p[3]}AAAA", // a long one
            $"v1.{Base64Url.EncodeToString([0xFF, 0xFE])}.{p[2]}.{p[3]}", // not UTF-8
            $"v1.{new string('A', 600)}.{p[2]}.{p[3]}", // past the length limit
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_tokens_are_named_so(string token)
    {
        var tokens = new ViewerTokens(Options, new FakeTimeProvider(Start));
        Assert.Equal(ViewerTokenStatus.Malformed, tokens.Validate(token, "cam1"));
    }

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>A token whose signature holds a '-' or '_', so the standard alphabet's spelling differs.</summary>
    private static string TokenWithUrlCharacters()
    {
        var tokens = new ViewerTokens(Options, new FakeTimeProvider(Start));
        return Enumerable.Range(1, 1000).Select(h => tokens.Create("cam1", Start.AddHours(h)))
            .First(t => t.Split('.')[3].AsSpan(0, 42).IndexOfAny('-', '_') >= 0);
    }

    // The last character of unpadded base64url carries 2 (of 32 signature bytes) or 4 (of "cam1") unused bits.
    private static string WithTrailingBitsSet(string part, int unusedBits) =>
        part[..^1] + Alphabet[Alphabet.IndexOf(part[^1], StringComparison.Ordinal) | ((1 << unusedBits) - 1)];

    public static TheoryData<string, string> OtherSpellings()
    {
        var good = TokenWithUrlCharacters();
        var p = good.Split('.');
        return new TheoryData<string, string>
        {
            { "'=' appended", good + "=" },
            { "'==' appended", good + "==" },
            { "padded stream", $"v1.{p[1]}==.{p[2]}.{p[3]}" },
            { "padded signature", $"v1.{p[1]}.{p[2]}.{p[3]}=" },
            { "trailing bits in the stream", $"v1.{WithTrailingBitsSet(p[1], 4)}.{p[2]}.{p[3]}" },
            { "one trailing bit in the stream", $"v1.{p[1][..^1]}{Alphabet[Alphabet.IndexOf(p[1][^1], StringComparison.Ordinal) | 1]}.{p[2]}.{p[3]}" },
            { "trailing bits in the signature", $"v1.{p[1]}.{p[2]}.{WithTrailingBitsSet(p[3], 2)}" },
            { "standard alphabet", $"v1.{p[1]}.{p[2]}.{p[3].Replace('-', '+').Replace('_', '/')}" },
            { "a space inside the signature", $"v1.{p[1]}.{p[2]}.{p[3][..8]} {p[3][8..]}" },
            { "a line feed inside the stream", $"v1.{p[1][..2]}\n{p[1][2..]}.{p[2]}.{p[3]}" },
            { "a trailing space", $"v1.{p[1]}.{p[2]}.{p[3]} " },
        };
    }

    [Theory]
    [MemberData(nameof(OtherSpellings))]
    public void Only_the_canonical_spelling_of_a_token_validates(string name, string token)
    {
        var tokens = new ViewerTokens(Options, new FakeTimeProvider(Start));
        var canonical = TokenWithUrlCharacters();
        Assert.Equal(ViewerTokenStatus.Valid, tokens.Validate(canonical, "cam1"));
        Assert.NotEqual(canonical, token);
        Assert.True(ViewerTokenStatus.Malformed == tokens.Validate(token, "cam1"), $"{name}: {tokens.Validate(token, "cam1")}");
    }

    [Fact]
    public void Without_a_secret_nothing_validates_and_nothing_is_minted()
    {
        var tokens = new ViewerTokens(new AuthOptions(), new FakeTimeProvider(Start));
        var token = new ViewerTokens(Options, new FakeTimeProvider(Start)).Create("cam1", Start.AddHours(1));
        Assert.False(tokens.Enabled);
        Assert.NotEqual(ViewerTokenStatus.Valid, tokens.Validate(token, "cam1"));
        Assert.Throws<InvalidOperationException>(() => tokens.Create("cam1", Start.AddHours(1)));
    }
}
