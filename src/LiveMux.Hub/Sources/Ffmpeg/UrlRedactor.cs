using System.Text.RegularExpressions;
using LiveMux.Rtsp;

namespace LiveMux.Hub.Sources.Ffmpeg;

/// <summary>
/// Removes credentials from every URL in a line of text (ffmpeg's messages quote its input): the user
/// information of scheme://user:pass@host becomes ***:***, and password-like query values become ***.
/// A URL runs to the next white space or quote; its user information is found by <see cref="UrlUserInfo"/> and
/// hidden up to its conservative end, the last '@' of the URL: people type passwords with '/', '?' or '#' in them
/// unescaped, and a URL whose path holds an '@' loses its host in the log rather than leak a password.
/// Patterns cannot see a password that holds a space or a quote: <see cref="SecretRedactor"/> hides values.
/// </summary>
internal static partial class UrlRedactor
{
    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s'""]*")]
    private static partial Regex Url();

    [GeneratedRegex(@"(?<name>[?&;][^=&\s]*(?:pass|pwd|token|secret|key|auth|sig)[^=&\s]*=)(?<value>[^&\s]*)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretQuery();

    public static string Redact(string text) =>
        text.Contains("://", StringComparison.Ordinal) ? Url().Replace(text, m => RedactUrl(m.Value)) : text;

    /// <summary>The values of password-like query parameters in <paramref name="text"/>, as written.</summary>
    public static IEnumerable<string> QuerySecrets(string text) =>
        SecretQuery().Matches(text).Select(m => m.Groups["value"].Value).Where(v => v.Length > 0);

    private static string RedactUrl(string url)
    {
        var userInfo = UrlUserInfo.Find(url);
        var rest = userInfo.ConservativeEnd >= 0 ? url[(userInfo.ConservativeEnd + 1)..] : url[userInfo.Start..];
        return string.Concat(
            url.AsSpan(0, userInfo.Start),
            userInfo.ConservativeEnd >= 0 ? "***:***@" : "",
            SecretQuery().Replace(rest, q => q.Groups["name"].Value + "***"));
    }
}
