using System.Text;
using LiveMux.Rtsp;

namespace LiveMux.Hub.Sources;

/// <summary>
/// Hides a source's secrets BY VALUE in every string that is logged or returned, then applies the URL patterns of
/// <see cref="UrlRedactor"/>. Patterns alone miss what they cannot delimit: an ffmpeg input is free text, and a
/// password holding a space or a quote (<c>rtsp://u:p'w d@cam/x</c>) ends the URL a pattern sees before its '@'.
/// The secrets are found with <see cref="UrlUserInfo"/>, the rule every other part uses, and each is hidden as
/// written, percent-decoded and percent-encoded, ignoring case.
/// <para>Values shorter than <see cref="MinLength"/> characters are left to the patterns: blanking every "1" or
/// "ab" of ffmpeg's messages would make them unreadable, and such a password protects nothing anyway.</para>
/// </summary>
public sealed class SecretRedactor
{
    internal const int MinLength = 3;
    internal const string Mask = "***";

    private readonly string[] _secrets;

    internal SecretRedactor(IEnumerable<string?> values)
    {
        var forms = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            forms.Add(value);
            if (UrlUserInfo.Unescape(value) is { } decoded)
            {
                forms.Add(decoded);
                forms.Add(Uri.EscapeDataString(decoded));
            }

            forms.Add(Uri.EscapeDataString(value));
        }

        // Longest first: a secret that contains another is hidden whole.
        _secrets = [.. forms.Where(f => f.Length >= MinLength).OrderByDescending(f => f.Length)];
    }

    internal static SecretRedactor None { get; } = new([]);

    /// <summary>The longest secret: a cut line must keep this many characters past its end to be redacted safely.</summary>
    internal int LongestSecret => _secrets.Length == 0 ? 0 : _secrets[0].Length;

    /// <summary>
    /// The secrets of an ffmpeg input (or any text holding URLs): the password (or a lone user name, often a
    /// token) of every URL in it, under both readings of an ambiguous '@' (<see cref="UrlUserInfo"/>), and the
    /// values of password-like query parameters.
    /// </summary>
    public static SecretRedactor ForText(string text)
    {
        var values = new List<string?>();
        for (var separator = text.IndexOf("://", StringComparison.Ordinal); separator >= 0;
             separator = text.IndexOf("://", separator + 3, StringComparison.Ordinal))
        {
            var userInfo = UrlUserInfo.Find(text, separator);
            values.Add(Secret(userInfo.Raw));
            values.Add(Secret(userInfo.ConservativeRaw));
        }

        values.AddRange(UrlRedactor.QuerySecrets(text));
        return new SecretRedactor(values);
    }

    /// <summary>Secrets and URL credentials become ***.</summary>
    public string Redact(string text) => UrlRedactor.Redact(Replace(text, text.Length));

    /// <summary>
    /// Like <see cref="Redact(string)"/>, but shows only what starts in the first <paramref name="keep"/> characters:
    /// given <see cref="LongestSecret"/> characters more than it shows, a cut line never ends with half a secret.
    /// </summary>
    internal string Redact(string text, int keep) => UrlRedactor.Redact(Replace(text, Math.Min(keep, text.Length)));

    private string Replace(string text, int keep)
    {
        if (_secrets.Length == 0)
        {
            return text[..keep];
        }

        var result = new StringBuilder(keep);
        var i = 0;
        while (i < keep)
        {
            var match = _secrets.FirstOrDefault(s => text.AsSpan(i).StartsWith(s, StringComparison.OrdinalIgnoreCase));
            if (match is not null)
            {
                // Whole, even past keep: the caller kept LongestSecret characters more than it shows.
                result.Append(Mask);
                i += match.Length;
                continue;
            }

            result.Append(text[i]);
            i++;
        }

        return result.ToString();
    }

    // A password, or a user name standing alone (https://TOKEN@host).
    private static string? Secret(string rawUserInfo)
    {
        if (rawUserInfo.Length == 0)
        {
            return null;
        }

        var colon = rawUserInfo.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? rawUserInfo : rawUserInfo[(colon + 1)..];
    }
}
