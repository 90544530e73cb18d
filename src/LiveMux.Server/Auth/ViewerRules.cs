using LiveMux.Hub;

namespace LiveMux.Server.Auth;

/// <summary>
/// The viewer rules every way of watching shares (the web's <see cref="ViewerAccess"/>, the RTSP server's
/// access policy): which camera a stream's token covers, which streams are open to anyone, and what a token's
/// status means. Each caller spells the verdict in its own protocol's status codes.
/// </summary>
internal sealed class ViewerRules(AuthOptions options, ViewerTokens tokens)
{
    private readonly HashSet<string> _public = new(options.PublicStreams, StringComparer.Ordinal);

    public bool TokensRequired => options.Viewers == ViewerAccessMode.Token;

    /// <summary>
    /// The camera whose token and public listing cover <paramref name="stream"/>: the H.264 companion of a stream
    /// is the same camera.
    /// </summary>
    public static string CameraOf(string stream) => CompanionName.TryGetParent(stream, out var parent) ? parent : stream;

    /// <summary>Whether anyone may watch <paramref name="camera"/> without a token or credentials.</summary>
    public bool IsOpen(string camera) => !TokensRequired || _public.Contains(camera);

    /// <summary>What a token presented for <paramref name="camera"/> is worth.</summary>
    public ViewerVerdict Judge(string token, string camera) => tokens.Validate(token, camera) switch
    {
        ViewerTokenStatus.Valid => ViewerVerdict.Allowed,
        ViewerTokenStatus.Expired => new ViewerVerdict(ViewerVerdictKind.Unauthorized, "token expired"),
        ViewerTokenStatus.BadSignature => new ViewerVerdict(ViewerVerdictKind.Unauthorized, "bad token signature"),
        ViewerTokenStatus.WrongStream => new ViewerVerdict(ViewerVerdictKind.Forbidden, "token is for another stream"),
        _ => new ViewerVerdict(ViewerVerdictKind.Unauthorized, "malformed token"),
    };

    /// <summary>Viewer tokens have this prefix; anything else sent as one is a password.</summary>
    public static bool LooksLikeToken(string value) => value.StartsWith("v1.", StringComparison.Ordinal);
}

internal enum ViewerVerdictKind
{
    Allowed,

    /// <summary>No credentials, or credentials that prove nothing: ask again (HTTP 401, RTSP 401).</summary>
    Unauthorized,

    /// <summary>Valid credentials for something else: asking again will not help (HTTP 403, RTSP 403).</summary>
    Forbidden,
}

/// <summary>A viewer decision in no protocol's terms, with the reason shown to the viewer.</summary>
internal readonly record struct ViewerVerdict(ViewerVerdictKind Kind, string Reason)
{
    public static readonly ViewerVerdict Allowed = new(ViewerVerdictKind.Allowed, "");
}
