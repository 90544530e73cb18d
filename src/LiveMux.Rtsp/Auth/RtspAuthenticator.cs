using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LiveMux.Rtsp.Auth;

/// <summary>
/// Produces the Authorization header for every request after a 401 (RFC 2617; RTSP use in RFC 2326 section 12.5).
/// Among several challenges picks Digest SHA-256 over Digest MD5 over Basic (RFC 7616 section 3.7; -sess variants
/// too; qop=auth or none). The nonce count increments per request.
/// Never exposes the password: <see cref="ToString"/> is the scheme only.
/// </summary>
internal sealed class RtspAuthenticator
{
    private readonly string _user;
    private readonly string _password;
    private readonly Func<string> _newCnonce;
    private AuthChallenge _challenge;
    private int _nonceCount;

    private RtspAuthenticator(string user, string password, AuthChallenge challenge, Func<string> newCnonce)
    {
        _user = user;
        _password = password;
        _challenge = challenge;
        _newCnonce = newCnonce;
        Cnonce = newCnonce();
    }

    public string Scheme => _challenge.Scheme;

    internal string Cnonce { get; private set; }

    /// <summary>Chooses a challenge we can answer; null with a reason when none is usable.</summary>
    public static RtspAuthenticator? TryCreate(
        string user, string password, IReadOnlyList<AuthChallenge> challenges, out string? reason,
        Func<string>? newCnonce = null)
    {
        reason = null;
        if (UrlUserInfo.HasControl(user) || UrlUserInfo.HasControl(password))
        {
            // Never reached from a validated URL: the guard before a user name goes into a header line (the
            // request writer refuses CR and LF from the camera's realm, nonce and opaque).
            reason = "the user name or password holds a control character (CR, LF, NUL, ...)";
            return null;
        }

        newCnonce ??= static () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var digest = challenges.Where(c => c.IsDigest && IsSupportedDigest(c))
            .OrderByDescending(c => DigestAuth.Rank(c["algorithm"]))
            .FirstOrDefault();
        if (digest is not null)
        {
            return new RtspAuthenticator(user, password, digest, newCnonce);
        }
        var basic = challenges.FirstOrDefault(c => c.IsBasic);
        if (basic is not null)
        {
            return new RtspAuthenticator(user, password, basic, newCnonce);
        }
        var offered = string.Join(", ", challenges.Select(Describe));
        reason = offered.Length == 0
            ? "the camera answered 401 without a usable WWW-Authenticate challenge"
            : $"the camera offers no supported authentication scheme ({offered})";
        return null;
    }

    /// <summary>True when a Digest challenge marks our nonce stale (RFC 2617 section 3.2.1): retry with the new nonce.</summary>
    public bool TryRenewStale(IReadOnlyList<AuthChallenge> challenges)
    {
        var stale = challenges.Where(c =>
                c.IsDigest && IsSupportedDigest(c) && string.Equals(c["stale"], "true", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(c => DigestAuth.Rank(c["algorithm"]))
            .FirstOrDefault();
        if (stale is null || !_challenge.IsDigest)
        {
            return false;
        }
        _challenge = stale;
        _nonceCount = 0;
        Cnonce = _newCnonce();
        return true;
    }

    public string CreateHeader(string method, string uri)
    {
        if (_challenge.IsBasic)
        {
            return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_user}:{_password}"));
        }
        var realm = _challenge["realm"] ?? "";
        var nonce = _challenge["nonce"] ?? "";
        var algorithm = _challenge["algorithm"] ?? "MD5";
        var qop = ChooseQop(_challenge["qop"]);
        var nc = (++_nonceCount).ToString("x8", CultureInfo.InvariantCulture);
        var response = DigestAuth.ComputeResponse(algorithm, _user, realm, _password, nonce, method, uri, qop, nc, Cnonce);

        var header = new StringBuilder("Digest ");
        header.Append("username=").Append(Quote(_user));
        header.Append(", realm=").Append(Quote(realm));
        header.Append(", nonce=").Append(Quote(nonce));
        header.Append(", uri=").Append(Quote(uri));
        header.Append(", response=").Append(Quote(response));
        if (_challenge["algorithm"] is { } alg)
        {
            header.Append(", algorithm=").Append(alg);
        }
        if (_challenge["opaque"] is { } opaque)
        {
            header.Append(", opaque=").Append(Quote(opaque));
        }
        if (qop is not null)
        {
            header.Append(", qop=").Append(qop).Append(", nc=").Append(nc).Append(", cnonce=").Append(Quote(Cnonce));
        }
        return header.ToString();
    }

    public override string ToString() => Scheme;

    private static bool IsSupportedDigest(AuthChallenge challenge)
    {
        return DigestAuth.IsSupported(challenge["algorithm"]) && challenge["nonce"] is not null
            && (challenge["qop"] is null || ChooseQop(challenge["qop"]) is not null);
    }

    // qop is a comma-separated list; we support "auth" only (auth-int would need a body hash).
    private static string? ChooseQop(string? offered) =>
        offered?.Split(',', StringSplitOptions.TrimEntries).FirstOrDefault(q => q.Equals("auth", StringComparison.OrdinalIgnoreCase)) is { } q
            ? q.ToLowerInvariant()
            : null;

    private static string Describe(AuthChallenge c) =>
        c["algorithm"] is { } alg ? $"{c.Scheme} {alg}" : c.Scheme;

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
