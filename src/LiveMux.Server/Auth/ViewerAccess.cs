using Microsoft.Net.Http.Headers;

namespace LiveMux.Server.Auth;

/// <summary>
/// Who may watch a stream on <c>/api/ws</c>, <c>/api/stream.mp4</c> and <c>/player.html</c>. In token mode:
/// a public stream, presented admin credentials (loopback alone is not enough: behind a reverse proxy every
/// viewer would be local), or a valid token for the stream in <c>?token=</c> or <c>Authorization: Bearer</c>.
/// </summary>
internal sealed class ViewerAccess(ViewerRules rules, AdminAuthenticator admin, AdminGuessLimiter limiter)
{
    public const string TokenParameter = "token";

    public bool TokensRequired => rules.TokensRequired;

    public ViewerCheck Check(HttpRequest request, string stream)
    {
        var camera = ViewerRules.CameraOf(stream);
        if (rules.IsOpen(camera) || AdminGranted(request))
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

        var verdict = rules.Judge(token, camera);
        return verdict.Kind switch
        {
            ViewerVerdictKind.Allowed => ViewerCheck.Allow,
            ViewerVerdictKind.Forbidden => new ViewerCheck(false, StatusCodes.Status403Forbidden, verdict.Reason),
            _ => new ViewerCheck(false, StatusCodes.Status401Unauthorized, verdict.Reason),
        };
    }

    /// <summary>
    /// The HTTP viewer endpoints' gate: true when the request may watch <paramref name="stream"/>; otherwise the
    /// refusal is logged (the name cut to 64 characters) and answered as a problem, with the admin's challenge on 401.
    /// </summary>
    public async Task<bool> AdmitAsync(HttpContext context, string stream, string endpoint, ILogger logger)
    {
        var check = Check(context.Request, stream);
        if (check.Allowed)
        {
            return true;
        }

        AuthLog.ViewerRefused(logger, stream.Length <= 64 ? stream : stream[..64], endpoint, check.Reason);
        await AuthProblems.WriteViewerAsync(context, admin, check);
        return false;
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
            && ViewerRules.LooksLikeToken(bearer);
        if (!viewerBearer)
        {
            limiter.RecordFailure(partition);
        }

        return false;
    }
}
