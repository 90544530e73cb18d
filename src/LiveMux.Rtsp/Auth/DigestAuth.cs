using System.Security.Cryptography;
using System.Text;

namespace LiveMux.Rtsp.Auth;

/// <summary>
/// Digest response computation (RFC 2617 section 3.2.2.1, RFC 7616 section 3.4.1). H is MD5 or SHA-256, chosen by
/// the challenge's algorithm; "-sess" variants rehash HA1 with the nonces.
/// <code>
///   HA1 = H(user ":" realm ":" password)                          algorithm=MD5 | SHA-256 (or absent: MD5)
///   HA1 = H(H(user ":" realm ":" password) ":" nonce ":" cnonce)  algorithm=MD5-sess | SHA-256-sess
///   HA2 = H(method ":" uri)
///   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)   with qop=auth
///   response = H(HA1 ":" nonce ":" HA2)                              without qop
/// </code>
/// </summary>
internal static class DigestAuth
{
    /// <summary>Known algorithms, best first: the order a client picks among several challenges (RFC 7616 section 3.7).</summary>
    public static int Rank(string? algorithm) => Normalize(algorithm) switch
    {
        "SHA-256" or "SHA-256-SESS" => 2,
        "MD5" or "MD5-SESS" => 1,
        _ => 0,
    };

    public static bool IsSupported(string? algorithm) => Rank(algorithm) > 0;

    public static string ComputeResponse(
        string algorithm, string user, string realm, string password, string nonce,
        string method, string uri, string? qop, string nc, string cnonce)
    {
        var normalized = Normalize(algorithm);
        Func<string, string> h = normalized.StartsWith("SHA-256", StringComparison.Ordinal) ? Sha256Hex : Md5Hex;
        var ha1 = h($"{user}:{realm}:{password}");
        if (normalized.EndsWith("-SESS", StringComparison.Ordinal))
        {
            ha1 = h($"{ha1}:{nonce}:{cnonce}");
        }
        var ha2 = h($"{method}:{uri}");
        return qop is null ? h($"{ha1}:{nonce}:{ha2}") : h($"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
    }

    public static string Md5Hex(string text) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));

    public static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Normalize(string? algorithm) => (algorithm ?? "MD5").Trim().ToUpperInvariant();
}
