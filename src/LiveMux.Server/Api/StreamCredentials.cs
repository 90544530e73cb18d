using LiveMux.Rtsp;

namespace LiveMux.Server.Api;

/// <summary>
/// The user information of a camera URL, split off and put back. Credentials are write-only in the API: they
/// are stored in the URL (where <see cref="LiveMux.Rtsp.RtspUrl"/> reads them) and shown nowhere.
/// <code>
///   rtsp://user:p%40ss@camera:554/path  ->  (rtsp://camera:554/path, "user", "p@ss")
/// </code>
/// The user information is found by <see cref="UrlUserInfo"/>, the rule RtspUrl and the redactors use too.
/// </summary>
internal static class StreamCredentials
{
    public static (string Bare, string? User, string? Password) Split(string url)
    {
        var userInfo = UrlUserInfo.Find(url);
        if (!userInfo.HasUserInfo)
        {
            return (url, null, null);
        }

        // Badly encoded user information is kept as written: validation refuses it with a reason.
        var (user, password) = UrlUserInfo.Decode(userInfo.Raw) ?? (userInfo.RawUser!, userInfo.RawPassword);
        return (url[..userInfo.Start] + url[(userInfo.End + 1)..], user.Length == 0 ? null : user, string.IsNullOrEmpty(password) ? null : password);
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
}
