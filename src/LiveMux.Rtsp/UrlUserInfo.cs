namespace LiveMux.Rtsp;

/// <summary>
/// The user information of a URL, found by the one rule every part of LiveMux uses (the RTSP client, the API's
/// credential fields, the redactors of logs and views). RFC 3986 section 3.2:
/// <code>
///   rtsp://user:p%40ss@camera:554/path?query#fragment
///          \_userinfo_/ \_ host _/
///          \_____ authority ______/  the authority ends at the first '/', '?' or '#' after "//"
/// </code>
/// <list type="bullet">
/// <item>The user information ends at the LAST '@' of the authority (as ffmpeg's av_url_split reads it), and the
/// user name at its first ':', so the password may hold ':'.</item>
/// <item>An '@' after the authority makes the URL ambiguous: a password holding an unencoded '/', '?' or '#'
/// looks exactly like it. <see cref="ConservativeEnd"/> is the last '@' of the whole text: redactors blank up to
/// it (a path holding '@' loses its host in a log rather than leak a password), and parsers that must act on the
/// URL refuse it (<see cref="Problem"/>).</item>
/// </list>
/// </summary>
public readonly record struct UrlUserInfo
{
    private UrlUserInfo(string text, int start, int authorityEnd, int end, int conservativeEnd)
    {
        Text = text;
        Start = start;
        AuthorityEnd = authorityEnd;
        End = end;
        ConservativeEnd = conservativeEnd;
    }

    /// <summary>The text searched.</summary>
    public string Text { get; }

    /// <summary>Index just after "//": where the authority and any user information begin.</summary>
    public int Start { get; }

    /// <summary>Index of the first '/', '?' or '#' after <see cref="Start"/>, or the text's length.</summary>
    public int AuthorityEnd { get; }

    /// <summary>Index of the '@' that ends the user information; -1 when the URL has none.</summary>
    public int End { get; }

    /// <summary>Index of the last '@' of the whole text (at least <see cref="End"/>); -1 when there is none.</summary>
    public int ConservativeEnd { get; }

    public bool HasUserInfo => End >= 0;

    /// <summary>The user information as written (still percent-encoded); "" when there is none.</summary>
    public string Raw => End < 0 ? "" : Text[Start..End];

    /// <summary>The user information up to <see cref="ConservativeEnd"/>, as written: what a redactor must hide.</summary>
    public string ConservativeRaw => ConservativeEnd < 0 ? "" : Text[Start..ConservativeEnd];

    /// <summary>The user name as written, or null.</summary>
    public string? RawUser => End < 0 ? null : SplitUser(Raw);

    /// <summary>The password as written, or null when there is no ':' in the user information.</summary>
    public string? RawPassword => End < 0 ? null : SplitPassword(Raw);

    /// <summary>
    /// Finds the user information of the URL whose scheme separator "://" is at <paramref name="separator"/>
    /// (the first one when -1). Without a "://" the result has no user information and <see cref="Start"/> -1.
    /// </summary>
    public static UrlUserInfo Find(string text, int separator = -1)
    {
        if (separator < 0)
        {
            separator = text.IndexOf("://", StringComparison.Ordinal);
        }

        if (separator < 0)
        {
            return new UrlUserInfo(text, -1, -1, -1, -1);
        }

        var start = separator + 3;
        var authorityEnd = text.IndexOfAny(['/', '?', '#'], start);
        if (authorityEnd < 0)
        {
            authorityEnd = text.Length;
        }

        var end = text.LastIndexOf('@', authorityEnd - 1, authorityEnd - start);
        var last = text.LastIndexOf('@');
        return new UrlUserInfo(text, start, authorityEnd, end, last >= start ? last : -1);
    }

    /// <summary>Splits written user information at its first ':' and decodes both parts; null for bad percent-encoding.</summary>
    public static (string User, string? Password)? Decode(string raw)
    {
        var user = Unescape(SplitUser(raw));
        var password = SplitPassword(raw) is { } p ? Unescape(p) : null;
        return user is null || (password is null && SplitPassword(raw) is not null) ? null : (user, password);
    }

    /// <summary>
    /// Why this URL's user information cannot be used as written, or null when it can. The reason names
    /// characters, never the credentials.
    /// </summary>
    public string? Problem()
    {
        const string Advice = "percent-encode it, or give the user name and password in the API's username and password fields";
        if (ConservativeEnd > End)
        {
            return "URL has an '@' after its host: a password holding '/', '?', '#' or '@' must be " + Advice
                + "; an '@' in the path must be written %40";
        }

        if (End < 0)
        {
            return null;
        }

        var raw = Raw;
        foreach (var c in raw)
        {
            var what = c switch
            {
                '@' => "an unencoded '@'",
                _ when IsControl(c) => "a control character",
                ' ' => "a space",
                '"' or '\'' => "a quote",
                _ when char.IsWhiteSpace(c) => "white space",
                _ => null,
            };
            if (what is not null)
            {
                return $"URL user information holds {what}: {Advice}";
            }
        }

        if (!IsValidPercentEncoding(raw) || Decode(raw) is not { } decoded)
        {
            return $"URL user information holds a '%' that is not percent-encoding (write '%' as %25): {Advice}";
        }

        return HasControl(decoded.User) || HasControl(decoded.Password)
            ? "URL user name or password holds a control character (CR, LF, NUL, ...)"
            : null;
    }

    /// <summary>C0 controls and DEL: never valid in a user name or a password, which may reach a header.</summary>
    public static bool HasControl(string? text) =>
        text is not null && (text.AsSpan().IndexOfAnyInRange('\0', '\x1f') >= 0 || text.Contains('\x7f', StringComparison.Ordinal));

    private static bool IsControl(char c) => c < ' ' || c == '\x7f';

    private static string SplitUser(string raw) => raw.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? raw[..colon] : raw;

    private static string? SplitPassword(string raw) => raw.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? raw[(colon + 1)..] : null;

    /// <summary>Percent-decodes; null for bad percent-encoding.</summary>
    public static string? Unescape(string text)
    {
        if (!IsValidPercentEncoding(text))
        {
            return null;
        }

        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    private static bool IsValidPercentEncoding(string text)
    {
        for (var i = text.IndexOf('%', StringComparison.Ordinal); i >= 0; i = text.IndexOf('%', i + 1))
        {
            if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
            {
                return false;
            }
        }

        return true;
    }
}
