namespace LiveMux.Server.Auth;

/// <summary>
/// Refuses non-admin requests to endpoints marked with <see cref="RequireAdminExtensions.RequireAdmin"/>. Runs
/// after routing (WebApplication routes first), so the endpoint's metadata is known before it executes.
/// </summary>
internal sealed class AdminMiddleware(RequestDelegate next, AdminAuthenticator admin, ILogger<AdminMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequireAdminMetadata>() is not null)
        {
            var check = admin.Check(context);
            if (!check.Granted)
            {
                AuthLog.AdminRefused(logger, context.Request.Method, context.Request.Path.Value ?? "", context.Connection.RemoteIpAddress?.ToString() ?? "local", check.Reason);
                await AuthProblems.WriteAdminAsync(context, admin, check);
                return;
            }
        }

        await next(context);
    }
}
