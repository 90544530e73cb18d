using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace LiveMux.Rtsp.Auth;

/// <summary>
/// Credentials a client presented in its Authorization header, as the server reads them: Basic (RFC 7617, the
/// password itself) or Digest (RFC 7616, a hash that only a server holding the password can check).
/// <code>
///   Authorization: Basic base64(user ":" password)
///   Authorization: Digest username="u", realm="LiveMux", nonce="...", uri="rtsp://h/p", response="...", [algorithm, qop, nc, cnonce]
/// </code>
/// A Digest answer is bound to this server's realm, one of its nonces (<see cref="ServerNonces"/>), and the method
/// of the request it came with.
/// </summary>
public sealed class RtspCredentials
{
    /// <summary>Longer Authorization headers are not parsed: nothing we accept comes near.</summary>
    public const int MaxHeaderLength = 4096;

    private readonly string? _password;
    private readonly AuthChallenge? _digest;
    private readonly string _method;

    private RtspCredentials(string user, string? password, AuthChallenge? digest, string method)
    {
        User = user;
        _password = password;
        _digest = digest;
        _method = method;
    }

    public string User { get; }

    public bool IsBasic => _digest is null;

    /// <summary>The password of Basic credentials (a viewer token, say); null for Digest, which never sends it.</summary>
    public string? BasicPassword => _password;

    /// <summary>True when these credentials prove knowledge of <paramref name="password"/>.</summary>
    public bool Matches(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (_password is not null)
        {
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(_password), Encoding.UTF8.GetBytes(password));
        }

        var d = _digest!;
        var expected = DigestAuth.ComputeResponse(d["algorithm"] ?? "MD5", User, d["realm"]!, password, d["nonce"]!, _method,
            d["uri"]!, d["qop"], d["nc"] ?? "", d["cnonce"] ?? "");
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected),
            Encoding.ASCII.GetBytes((d["response"] ?? "").ToLowerInvariant()));
    }

    /// <summary>
    /// Reads an Authorization header. Null with <paramref name="stale"/> false: none, or not one we can check.
    /// <paramref name="stale"/> is true for a Digest answer to a nonce that has expired, so the challenge says so.
    /// </summary>
    public static RtspCredentials? TryRead(string? header, string method, string realm, ServerNonces nonces, out bool stale)
    {
        ArgumentNullException.ThrowIfNull(nonces);
        stale = false;
        if (string.IsNullOrEmpty(header) || header.Length > MaxHeaderLength)
        {
            return null;
        }

        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? header : header[..space];
        var rest = space < 0 ? "" : header[(space + 1)..].Trim();
        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return TryReadBasic(rest, method);
        }

        if (!scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var digest = AuthChallenge.ParseAll([header]).FirstOrDefault();
        if (digest is null || digest["username"] is not { } user || digest["nonce"] is not { } nonce || digest["uri"] is null
            || digest["response"] is null || !string.Equals(digest["realm"], realm, StringComparison.Ordinal)
            || !DigestAuth.IsSupported(digest["algorithm"])
            || (digest["qop"] is { } qop && (!qop.Equals("auth", StringComparison.OrdinalIgnoreCase) || digest["nc"] is null || digest["cnonce"] is null)))
        {
            return null;
        }

        switch (nonces.Check(nonce))
        {
            case NonceStatus.Valid:
                return new RtspCredentials(user, null, digest, method);
            case NonceStatus.Expired:
                stale = true;
                return null;
            default:
                return null;
        }
    }

    private static RtspCredentials? TryReadBasic(string encoded, string method)
    {
        if (encoded.Length == 0 || !Base64.IsValid(encoded, out var length))
        {
            return null;
        }

        var bytes = new byte[length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var written))
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (ArgumentException)
        {
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : new RtspCredentials(text[..colon], text[(colon + 1)..], null, method);
    }
}
