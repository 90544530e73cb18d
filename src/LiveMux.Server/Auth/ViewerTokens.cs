using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LiveMux.Server.Auth;

/// <summary>
/// Signed, expiring viewer tokens, each for one stream:
/// <code>
///   v1.&lt;base64url(stream)&gt;.&lt;expiry, unix seconds&gt;.&lt;base64url(HMAC-SHA256(secret, "v1\n" + stream + "\n" + expiry))&gt;
///   |   |                      |                         |
///   |   the stream, UTF-8      decimal, signed as text   32 bytes, RFC 4648 section 5 alphabet, no padding
///   version
/// </code>
/// Stateless: nothing is stored, so a token cannot be revoked before it expires except by changing the secret.
/// </summary>
internal sealed class ViewerTokens(AuthOptions options, TimeProvider time)
{
    /// <summary>Longer than any token we mint (a 64-character name gives about 140); more is not parsed.</summary>
    public const int MaxLength = 512;

    private const string Version = "v1";

    private readonly byte[]? _key = string.IsNullOrEmpty(options.TokenSecret) ? null : Encoding.UTF8.GetBytes(options.TokenSecret);

    /// <summary>A secret is configured, so tokens can be minted and checked.</summary>
    public bool Enabled => _key is not null;

    /// <summary>A token for <paramref name="stream"/> valid for <paramref name="ttl"/> from now (rounded up to whole seconds).</summary>
    public (string Token, DateTimeOffset Expires) Mint(string stream, TimeSpan ttl)
    {
        var expires = DateTimeOffset.FromUnixTimeSeconds((long)Math.Ceiling((time.GetUtcNow() + ttl).ToUnixTimeMilliseconds() / 1000.0));
        return (Create(stream, expires), expires);
    }

    public string Create(string stream, DateTimeOffset expires)
    {
        var key = _key ?? throw new InvalidOperationException("LiveMux:Auth:TokenSecret is not configured");
        var expiry = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Sign(key, stream, expiry);
        return $"{Version}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(stream))}.{expiry}.{Base64Url.EncodeToString(signature)}";
    }

    public ViewerTokenStatus Validate(string? token, string stream)
    {
        if (_key is null || string.IsNullOrEmpty(token) || token.Length > MaxLength)
        {
            return _key is null ? ViewerTokenStatus.BadSignature : ViewerTokenStatus.Malformed;
        }

        var parts = token.Split('.');
        if (parts.Length != 4 || parts[0] != Version
            || !TryDecode(parts[1], out var streamBytes)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
            || parts[2].Length > 12
            || !TryDecode(parts[3], out var presented) || presented.Length != HMACSHA256.HashSizeInBytes)
        {
            return ViewerTokenStatus.Malformed;
        }

        string tokenStream;
        try
        {
            tokenStream = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(streamBytes);
        }
        catch (ArgumentException)
        {
            return ViewerTokenStatus.Malformed;
        }

        // Signature first: an unsigned token says nothing trustworthy about its expiry or stream.
        if (!CryptographicOperations.FixedTimeEquals(Sign(_key, tokenStream, parts[2]), presented))
        {
            return ViewerTokenStatus.BadSignature;
        }

        if (expiry <= time.GetUtcNow().ToUnixTimeSeconds())
        {
            return ViewerTokenStatus.Expired;
        }

        return string.Equals(tokenStream, stream, StringComparison.Ordinal) ? ViewerTokenStatus.Valid : ViewerTokenStatus.WrongStream;
    }

    private static byte[] Sign(byte[] key, string stream, string expiry) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{Version}\n{stream}\n{expiry}"));

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || !Base64Url.IsValid(text, out var length))
        {
            return false;
        }

        bytes = new byte[length];

        // The decoder is lenient (padding, whitespace, set trailing bits): several spellings would decode to the
        // same bytes. Only the one we mint is a token, so a token is one exact string, whatever compares it.
        return Base64Url.TryDecodeFromChars(text, bytes, out var written) && written == length
            && string.Equals(Base64Url.EncodeToString(bytes), text, StringComparison.Ordinal);
    }
}
