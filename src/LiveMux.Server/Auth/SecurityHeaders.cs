using Microsoft.Net.Http.Headers;

namespace LiveMux.Server.Auth;

/// <summary>
/// Headers on every response. <c>frame-ancestors</c> stops other sites from framing the dashboard under a decoy
/// (clickjacking its dialogs); the player page may also be framed by the origins in AllowedOrigins, the sites
/// that embed it. <c>nosniff</c> keeps a browser from running a response as another type than it says.
/// <c>no-referrer</c> keeps viewer-token URLs from leaking to other sites through Referer.
/// </summary>
internal sealed class SecurityHeaders(RequestDelegate next, AuthOptions auth)
{
    private const string Base = "base-uri 'self'; object-src 'none'; frame-ancestors 'self'";

    private readonly string _playerPolicy = Base + string.Concat(auth.AllowedOrigins
        .Where(o => o == "*" || OriginPolicy.TryParseOrigin(o.TrimEnd('/'), out _))
        .Select(o => " " + o.TrimEnd('/')));

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers[HeaderNames.ContentSecurityPolicy] = IsPlayerPage(context.Request.Path) ? _playerPolicy : Base;
        return next(context);
    }

    // The static files' provider drops leading separators and may ignore case; match the page the way it does.
    private static bool IsPlayerPage(PathString path) =>
        path.Value?.TrimStart('/', '\\').Equals(PlayerPageGate.PageName, StringComparison.OrdinalIgnoreCase) == true;
}
