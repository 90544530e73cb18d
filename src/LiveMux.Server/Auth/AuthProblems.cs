using Microsoft.Net.Http.Headers;

namespace LiveMux.Server.Auth;

/// <summary>401/403 answers as RFC 7807 problem details.</summary>
internal static class AuthProblems
{
    public static Task WriteAdminAsync(HttpContext context, AdminAuthenticator admin, AdminCheck check)
    {
        if (check.Outcome == AdminOutcome.Unauthorized)
        {
            context.Response.Headers[HeaderNames.WWWAuthenticate] = admin.Challenge;
            return WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", check.Reason);
        }

        return WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", check.Reason);
    }

    public static Task WriteViewerAsync(HttpContext context, AdminAuthenticator admin, ViewerCheck check)
    {
        if (check.Status == StatusCodes.Status401Unauthorized && admin.Configured)
        {
            // Admin credentials also grant viewing: a browser may offer its login dialog.
            context.Response.Headers[HeaderNames.WWWAuthenticate] = admin.Challenge;
        }

        return WriteAsync(context, check.Status, check.Status == StatusCodes.Status403Forbidden ? "Forbidden" : "Unauthorized", $"unauthorized: {check.Reason}");
    }

    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.Headers.CacheControl = "no-store";
        return Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
    }
}
