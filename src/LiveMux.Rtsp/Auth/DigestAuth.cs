using System.Security.Cryptography;
using System.Text;

namespace LiveMux.Rtsp.Auth;

/// <summary>
/// Digest response computation (RFC 2617 section 3.2.2.1). MD5 only, as cameras use it.
/// <code>
///   HA1 = MD5(user ":" realm ":" password)                    algorithm=MD5 (or absent)
///   HA1 = MD5(MD5(user ":" realm ":" password) ":" nonce ":" cnonce)    algorithm=MD5-sess
///   HA2 = MD5(method ":" uri)
///   response = MD5(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)   with qop=auth
///   response = MD5(HA1 ":" nonce ":" HA2)                              without qop
/// </code>
/// </summary>
internal static class DigestAuth
{
    public static string ComputeResponse(
        string algorithm, string user, string realm, string password, string nonce,
        string method, string uri, string? qop, string nc, string cnonce)
    {
        var ha1 = Md5Hex($"{user}:{realm}:{password}");
        if (algorithm.Equals("MD5-sess", StringComparison.OrdinalIgnoreCase))
        {
            ha1 = Md5Hex($"{ha1}:{nonce}:{cnonce}");
        }
        var ha2 = Md5Hex($"{method}:{uri}");
        return qop is null ? Md5Hex($"{ha1}:{nonce}:{ha2}") : Md5Hex($"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
    }

    public static string Md5Hex(string text) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
}
