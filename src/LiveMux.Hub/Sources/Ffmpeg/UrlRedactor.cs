using System.Text.RegularExpressions;

namespace LiveMux.Hub.Sources.Ffmpeg;

/// <summary>
/// Removes credentials from every URL in a line of text (ffmpeg's messages quote its input): the user
/// information of scheme://user:pass@host becomes ***:***, and password-like query values become ***.
/// The user information runs to the last '@' of the URL: people type passwords with '/', '?' or '#' in them
/// unescaped, and a URL whose path holds an '@' loses its host in the log rather than leak a password.
/// </summary>
internal static partial class UrlRedactor
{
    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?<user>[^\s'""]*@)?(?<rest>[^\s'""]*)")]
    private static partial Regex Url();

    [GeneratedRegex(@"(?<name>[?&;][^=&\s]*(?:pass|pwd|token|secret|key|auth|sig)[^=&\s]*=)[^&\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretQuery();

    public static string Redact(string text) =>
        text.Contains("://", StringComparison.Ordinal)
            ? Url().Replace(text, m => m.Groups["scheme"].Value
                + (m.Groups["user"].Success ? "***:***@" : "")
                + SecretQuery().Replace(m.Groups["rest"].Value, q => q.Groups["name"].Value + "***"))
            : text;
}
