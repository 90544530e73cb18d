using LiveMux.Hub;
using Microsoft.Net.Http.Headers;

namespace LiveMux.Server.Auth;

/// <summary>
/// Who may watch a stream on <c>/api/ws</c>, <c>/api/stream.mp4</c> and <c>/player.html</c>. In token mode:
/// a public stream, presented admin credentials (loopback alone is not enough: behind a reverse proxy every
/// viewer would be local), or a valid token for the stream in <c>?token=</c> or <c>Authorization: Bearer</c>.
/// </summary>
internal sealed class ViewerAccess(AuthOptions options, AdminAuthenticator admin, ViewerTokens tokens, AdminGuessLimiter limiter)
{
    public const string TokenParameter = "token";

    private readonly HashSet<string> _public = new(options.PublicStreams, StringComparer.Ordinal);

    public bool TokensRequired => options.Viewers == ViewerAccessMode.Token;

    public ViewerCheck Check(HttpRequest request, string stream)
    {
        if (!TokensRequired)
        {
            return ViewerCheck.Allow;
        }

        // The H.264 companion of a stream is the same camera: its token and its public listing cover it.
        var camera = CompanionName.TryGetParent(stream, out var parent) ? parent : stream;
        if (_public.Contains(camera) || AdminGranted(request))
        {
            return ViewerCheck.Allow;
        }

        var token = request.Query[TokenParameter].ToString();
        if (token.Length == 0 && AdminAuthenticator.TryScheme(request.Headers[HeaderNames.Authorization].ToString(), "Bearer", out var bearer))
        {
            token = bearer;
        }

        if (token.Length == 0)
        {
            return new ViewerCheck(false, StatusCodes.Status401Unauthorized, "a viewer token is required");
        }

        return tokens.Validate(token, camera) switch
        {
            ViewerTokenStatus.Valid => ViewerCheck.Allow,
            ViewerTokenStatus.Expired => new ViewerCheck(false, StatusCodes.Status401Unauthorized, "token expired"),
            ViewerTokenStatus.BadSignature => new ViewerCheck(false, StatusCodes.Status401Unauthorized, "bad token signature"),
            ViewerTokenStatus.WrongStream => new ViewerCheck(false, StatusCodes.Status403Forbidden, "token is for another stream"),
            _ => new ViewerCheck(false, StatusCodes.Status401Unauthorized, "malformed token"),
        };
    }

    /// <summary>
    /// Admin credentials grant viewing, so a wrong one here is a guess like on the admin API: it is counted, and an
    /// address out of guesses has its admin credentials ignored (the request then needs a token like anyone's).
    /// A viewer token sent as Bearer is no admin guess.
    /// </summary>
    private bool AdminGranted(HttpRequest request)
    {
        if (!admin.Configured || !AdminAuthenticator.PresentsCredentials(request))
        {
            return false;
        }

        var partition = AdminGuessLimiter.Partition(request.HttpContext.Connection.RemoteIpAddress);
        if (limiter.IsThrottled(partition))
        {
            return false;
        }

        if (admin.HasValidCredentials(request))
        {
            return true;
        }

        var viewerBearer = !request.Headers.ContainsKey(AdminAuthenticator.ApiKeyHeader)
            && AdminAuthenticator.TryScheme(request.Headers[HeaderNames.Authorization].ToString(), "Bearer", out var bearer)
            && bearer.StartsWith("v1.", StringComparison.Ordinal);
        if (!viewerBearer)
        {
            limiter.RecordFailure(partition);
        }

        return false;
    }
}
