using Microsoft.Net.Http.Headers;

namespace LiveMux.Server.Auth;

/// <summary>
/// The WebSocket Origin allowlist (RFC 6455 10.2). Browsers send <c>Origin</c> on every WebSocket handshake
/// and do not apply CORS to it, so without this check any web page could watch through its visitors.
/// Allowed: no Origin (not a browser), the request's own origin, an origin in AllowedOrigins (scheme, host
/// and port compared exactly, default ports filled in), anything when AllowedOrigins holds <c>*</c>. The own
/// origin is the request's scheme and Host header, and only a Host that <see cref="HostPolicy"/> accepts: a
/// rebinding page's own name is never "our" origin. Behind a TLS-terminating proxy the scheme is http while the
/// page is https, so list the public origin there.
/// </summary>
internal sealed class OriginPolicy
{
    private readonly HostPolicy _hosts;
    private readonly bool _any;
    private readonly bool _nullOrigin;
    private readonly List<(string Scheme, string Host, int Port)> _allowed = [];

    public OriginPolicy(AuthOptions options, HostPolicy hosts)
    {
        _hosts = hosts;
        foreach (var entry in options.AllowedOrigins)
        {
            if (entry == "*")
            {
                _any = true;
            }
            else if (entry == "null")
            {
                _nullOrigin = true;
            }
            else if (TryParseOrigin(entry.TrimEnd('/'), out var origin))
            {
                _allowed.Add(origin);
            }
        }
    }

    public bool Allows(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Origin];
        if (header.Count == 0 || _any)
        {
            return true;
        }

        var value = header.ToString();
        if (header.Count > 1 || !TryParseOrigin(value, out var origin))
        {
            // Sandboxed frames and file: pages send the opaque origin "null" (RFC 6454 7.3).
            return header.Count == 1 && value == "null" && _nullOrigin;
        }

        return IsOwn(request, origin) || _allowed.Contains(origin);
    }

    /// <summary>
    /// The admin API's stricter rule: a present Origin must be the server's own or listed one by one in
    /// AllowedOrigins; <c>*</c> and <c>null</c> (opaque origins: sandboxed frames, files) let pages watch, not administer.
    /// </summary>
    public bool AllowsAdmin(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Origin];
        if (header.Count == 0)
        {
            return true;
        }

        return header.Count == 1 && TryParseOrigin(header.ToString(), out var origin) && (IsOwn(request, origin) || _allowed.Contains(origin));
    }

    private bool IsOwn(HttpRequest request, (string Scheme, string Host, int Port) origin)
    {
        if (!request.Host.HasValue || !_hosts.Accepts(request.Host))
        {
            return false;
        }

        var own = (request.Scheme.ToLowerInvariant(), request.Host.Host.ToLowerInvariant(), request.Host.Port ?? DefaultPort(request.Scheme));
        return origin == own;
    }

    /// <summary>An origin as a browser serializes it: <c>scheme://host[:port]</c> with nothing after.</summary>
    public static bool TryParseOrigin(string text, out (string Scheme, string Host, int Port) origin)
    {
        origin = default;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.UserInfo.Length > 0 || uri.PathAndQuery != "/" || uri.Fragment.Length > 0
            || text.EndsWith('/'))
        {
            return false;
        }

        origin = (uri.Scheme, uri.Host.ToLowerInvariant(), uri.Port);
        return true;
    }

    private static int DefaultPort(string scheme) =>
        string.Equals(scheme, "https", StringComparison.OrdinalIgnoreCase) ? 443 : 80;
}
