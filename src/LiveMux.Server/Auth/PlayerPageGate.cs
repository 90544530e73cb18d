namespace LiveMux.Server.Auth;

/// <summary>
/// In token mode, <c>/player.html?src=NAME</c> needs the same right as the stream it plays. It runs before
/// the static files, which would otherwise serve the page to anyone. The token stays in the page's URL, so
/// the page is not cached and sends no Referer.
/// </summary>
internal sealed class PlayerPageGate(RequestDelegate next, ViewerAccess viewers, ILogger<PlayerPageGate> logger)
{
    public const string PageName = "player.html";

    public async Task InvokeAsync(HttpContext context)
    {
        // The static files' provider drops leading separators ("//player.html" is the page too) and a
        // case-insensitive file system would match any case.
        if (viewers.TokensRequired && context.Request.Path.Value?.TrimStart('/', '\\').Equals(PageName, StringComparison.OrdinalIgnoreCase) == true)
        {
            if (!await viewers.AdmitAsync(context, context.Request.Query["src"].ToString(), "player page", logger))
            {
                return;
            }

            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
        }

        await next(context);
    }
}
