using System.Text.RegularExpressions;

namespace LiveMux.Rtsp;

/// <summary>
/// The one URL redactor: removes credentials from URLs before they are logged or shown (the RTSP client's control
/// URLs and redirects, ffmpeg's messages, the API's views). The user information of scheme://user:pass@host
/// becomes ***:***, and password-like query values become ***.
/// <para>The user information is found by <see cref="UrlUserInfo"/> and hidden up to its conservative end, the last
/// '@' of the URL: people type passwords with '/', '?' or '#' in them unescaped, and a URL whose path holds an '@'
/// loses its host in the log rather than leak a password.</para>
/// <para>In free text a URL runs to the next white space or quote, so a pattern cannot see a password that holds a
/// space or a quote: the hub's SecretRedactor hides such values by value.</para>
/// </summary>
public static partial class UrlRedactor
{
    public const string Credentials = "***:***";

    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s'""]*")]
    private static partial Regex Url();

    [GeneratedRegex(@"(?<name>[?&;][^=&\s]*(?:pass|pwd|token|secret|key|auth|sig)[^=&\s]*=)(?<value>[^&\s]*)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretQuery();

    /// <summary>Every URL in a line of text, redacted; the rest of the text as it is.</summary>
    public static string Redact(string text) =>
        text.Contains("://", StringComparison.Ordinal) ? Url().Replace(text, m => RedactUrl(m.Value)) : text;

    /// <summary>
    /// One URL, the whole string (a camera's control URL or a redirect's Location, which may hold anything): its
    /// credentials, and password-like query values even when it has no scheme.
    /// </summary>
    public static string RedactUrl(string url)
    {
        var userInfo = UrlUserInfo.Find(url);
        if (userInfo.Start < 0)
        {
            return RedactQuery(url);
        }

        var rest = userInfo.ConservativeEnd >= 0 ? url[(userInfo.ConservativeEnd + 1)..] : url[userInfo.Start..];
        return string.Concat(
            url.AsSpan(0, userInfo.Start),
            userInfo.ConservativeEnd >= 0 ? Credentials + "@" : "",
            RedactQuery(rest));
    }

    /// <summary>The values of password-like query parameters in <paramref name="text"/>, as written.</summary>
    public static IEnumerable<string> QuerySecrets(string text) =>
        SecretQuery().Matches(text).Select(m => m.Groups["value"].Value).Where(v => v.Length > 0);

    private static string RedactQuery(string text) => SecretQuery().Replace(text, q => q.Groups["name"].Value + "***");
}
