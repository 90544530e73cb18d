using LiveMux.Hub.Sources.Ffmpeg;

namespace LiveMux.Server.Api;

/// <summary>
/// The user information of a camera URL, split off and put back. Credentials are write-only in the API: they
/// are stored in the URL (where <see cref="LiveMux.Rtsp.RtspUrl"/> reads them) and shown nowhere.
/// <code>
///   rtsp://user:p%40ss@camera:554/path  ->  (rtsp://camera:554/path, "user", "p@ss")
/// </code>
/// As in RtspUrl, the authority ends at the first '/' or '?', and its last '@' ends the user information.
/// </summary>
internal static class StreamCredentials
{
    public static (string Bare, string? User, string? Password) Split(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return (url, null, null);
        }

        var authorityStart = scheme + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        if (at < 0)
        {
            return (url, null, null);
        }

        var userInfo = url[authorityStart..at];
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Unescape(colon < 0 ? userInfo : userInfo[..colon]);
        var password = colon < 0 ? null : Unescape(userInfo[(colon + 1)..]);
        return (url[..authorityStart] + url[(at + 1)..], user.Length == 0 ? null : user, string.IsNullOrEmpty(password) ? null : password);
    }

    public static string Merge(string bare, string? user, string? password)
    {
        var scheme = bare.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0 || (string.IsNullOrEmpty(user) && string.IsNullOrEmpty(password)))
        {
            return bare;
        }

        var userInfo = Uri.EscapeDataString(user ?? "") + (string.IsNullOrEmpty(password) ? "" : ":" + Uri.EscapeDataString(password));
        return bare[..(scheme + 3)] + userInfo + "@" + bare[(scheme + 3)..];
    }

    /// <summary>The URL as the API shows it: no user information, and password-like query values as ***.</summary>
    public static string Shown(string url) => UrlRedactor.Redact(Split(url).Bare);

    public static bool HasCredentials(string url) => Split(url) is { User: not null } or { Password: not null };

    private static string Unescape(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }
}
