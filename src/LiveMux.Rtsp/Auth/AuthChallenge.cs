using System.Text;

namespace LiveMux.Rtsp.Auth;

/// <summary>
/// One challenge of a WWW-Authenticate header (RFC 2617 section 1.2, RFC 7235 section 4.1).
/// <code>
///   WWW-Authenticate: Digest realm="IP Camera", nonce="a1b2", qop="auth", stale=FALSE, opaque="x"
///   WWW-Authenticate: Basic realm="IP Camera"
/// </code>
/// Parameter values may be tokens or quoted strings with \-escapes; one header may hold several challenges.
/// </summary>
internal sealed class AuthChallenge
{
    private AuthChallenge(string scheme, Dictionary<string, string> parameters)
    {
        Scheme = scheme;
        Parameters = parameters;
    }

    public string Scheme { get; }
    public IReadOnlyDictionary<string, string> Parameters { get; }

    public string? this[string name] => Parameters.TryGetValue(name, out var v) ? v : null;

    public bool IsDigest => Scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public static List<AuthChallenge> ParseAll(IEnumerable<string> headerValues)
    {
        var result = new List<AuthChallenge>();
        foreach (var value in headerValues)
        {
            Parse(value, result);
        }
        return result;
    }

    private static void Parse(string text, List<AuthChallenge> into)
    {
        var i = 0;
        Dictionary<string, string>? current = null;
        while (i < text.Length)
        {
            SkipWhile(text, ref i, c => c is ' ' or '\t' or ',');
            var token = ReadToken(text, ref i);
            if (token.Length == 0)
            {
                i++; // stray character: skip it rather than loop forever
                continue;
            }
            SkipWhile(text, ref i, c => c is ' ' or '\t');
            if (i < text.Length && text[i] == '=' && current is not null)
            {
                i++;
                SkipWhile(text, ref i, c => c is ' ' or '\t');
                current[token] = i < text.Length && text[i] == '"' ? ReadQuoted(text, ref i) : ReadToken(text, ref i);
                continue;
            }
            // A token not followed by '=' starts a new challenge.
            current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            into.Add(new AuthChallenge(token, current));
        }
    }

    private static string ReadToken(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && text[i] is not (' ' or '\t' or ',' or '=' or '"'))
        {
            i++;
        }
        return text[start..i];
    }

    private static string ReadQuoted(string text, ref int i)
    {
        var value = new StringBuilder();
        i++; // opening quote
        while (i < text.Length && text[i] != '"')
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }
            value.Append(text[i]);
            i++;
        }
        i++; // closing quote (or end)
        return value.ToString();
    }

    private static void SkipWhile(string text, ref int i, Func<char, bool> predicate)
    {
        while (i < text.Length && predicate(text[i]))
        {
            i++;
        }
    }
}
