using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LiveMux.Rtsp;

/// <summary>
/// An rtsp:// or rtsps:// URL split into a credential-free <see cref="Uri"/> and the credentials.
/// <code>
///   rtsp://user:p%40ss@camera:554/Streaming/Channels/101?x=1
///          \__ userinfo __/ \_ host:port _/\____ path and query ___/
/// </code>
/// The userinfo is found by <see cref="UrlUserInfo"/>, the one rule shared with the API and the redactors; user
/// information that is ambiguous or unsafe as written (an unencoded '@', '/', '?' or '#', white space, quotes, control
/// characters, even percent-encoded ones) is refused with a reason that never quotes it.
/// </summary>
public sealed class RtspUrl
{
    private const int DefaultPort = 554;
    private const int DefaultSecurePort = 322; // RFC 7826 section 19.2
    private const int MaxLength = 4096;

    private readonly string _redacted;

    private RtspUrl(Uri uri, string? userName, string? password, string redacted)
    {
        Uri = uri;
        UserName = userName;
        Password = password;
        _redacted = redacted;
    }

    /// <summary>The URL without userinfo, with an explicit port.</summary>
    public Uri Uri { get; }

    public string? UserName { get; }

    /// <summary>Never log or print this.</summary>
    public string? Password { get; }

    internal bool IsSecure => Uri.Scheme == "rtsps";

    /// <summary>The string sent in request lines: <see cref="Uri"/> exactly as built.</summary>
    internal string RequestUri => Uri.OriginalString;

    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out RtspUrl? url,
        [NotNullWhen(false)] out string? error)
    {
        url = null;
        error = null;
        text = text?.Trim() ?? "";
        if (text.Length > MaxLength)
        {
            error = $"URL is longer than {MaxLength} characters";
            return false;
        }
        string scheme;
        int defaultPort;
        if (text.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase))
        {
            (scheme, defaultPort) = ("rtsp", DefaultPort);
        }
        else if (text.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase))
        {
            (scheme, defaultPort) = ("rtsps", DefaultSecurePort);
        }
        else
        {
            error = "URL must start with rtsp:// or rtsps://";
            return false;
        }

        // One rule for the user information everywhere (UrlUserInfo); anything ambiguous is refused, not guessed.
        var userInfo = UrlUserInfo.Find(text, scheme.Length);
        if (userInfo.Problem() is { } problem)
        {
            error = problem;
            return false;
        }

        var authority = text[(userInfo.End < 0 ? userInfo.Start : userInfo.End + 1)..userInfo.AuthorityEnd];
        var rest = text[userInfo.AuthorityEnd..];
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        var pathAndQuery = hash >= 0 ? rest[..hash] : rest;
        if (pathAndQuery.Length == 0 || pathAndQuery.StartsWith('?'))
        {
            pathAndQuery = "/" + pathAndQuery;
        }

        string? user = null, password = null;
        if (userInfo.HasUserInfo)
        {
            // Problem() has checked the encoding.
            (user, password) = UrlUserInfo.Decode(userInfo.Raw)!.Value;
        }

        if (!TrySplitHostPort(authority, defaultPort, out var host, out var port, out error))
        {
            return false;
        }
        if (pathAndQuery.Any(c => c <= ' ' || c == 127))
        {
            error = "URL path contains spaces or control characters";
            return false;
        }
        var built = $"{scheme}://{host}:{port.ToString(CultureInfo.InvariantCulture)}{pathAndQuery}";
        if (!Uri.TryCreate(built, UriKind.Absolute, out var uri))
        {
            error = "URL is not valid";
            return false;
        }
        var redacted = user is null ? UrlRedactor.RedactUrl(built) : UrlRedactor.RedactUrl($"{scheme}://{UrlRedactor.Credentials}@{built[(scheme.Length + 3)..]}");
        url = new RtspUrl(uri, user, password, redacted);
        return true;
    }

    /// <summary>The same URL with other credentials (or none); used when following a redirect.</summary>
    internal RtspUrl WithCredentials(string? userName, string? password)
    {
        var text = Uri.OriginalString;
        if (userName is not null)
        {
            var schemeEnd = text.IndexOf("://", StringComparison.Ordinal) + 3;
            var userInfo = Uri.EscapeDataString(userName) + (password is null ? "" : ":" + Uri.EscapeDataString(password));
            text = string.Concat(text.AsSpan(0, schemeEnd), userInfo, "@", text.AsSpan(schemeEnd));
        }
        return TryParse(text, out var url, out _) ? url : this;
    }

    /// <summary>The redacted form: credentials become ***, and so do password-like query values.</summary>
    public override string ToString() => _redacted;

    private static bool TrySplitHostPort(string authority, int defaultPort, out string host, out int port,
        [NotNullWhen(false)] out string? error)
    {
        host = "";
        port = defaultPort;
        error = null;
        string portText;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = "URL has an unterminated IPv6 address";
                return false;
            }
            host = authority[..(close + 1)];
            portText = authority[(close + 1)..];
            if (portText.Length > 0 && portText[0] != ':')
            {
                error = "URL host is not valid";
                return false;
            }
            portText = portText.Length > 0 ? portText[1..] : "";
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            portText = colon < 0 ? "" : authority[(colon + 1)..];
        }
        if (host.Length == 0)
        {
            error = "URL has no host";
            return false;
        }
        if (Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
        {
            error = "URL host is not valid";
            return false;
        }
        if (portText.Length > 0
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            error = "URL port is not a number between 1 and 65535";
            return false;
        }
        host = host.ToLowerInvariant();
        return true;
    }
}
