namespace LiveMux.Server.Auth;

/// <summary>
/// Refuses non-admin requests to endpoints marked with <see cref="RequireAdminExtensions.RequireAdmin"/>. Runs
/// after routing (WebApplication routes first), so the endpoint's metadata is known before it executes. In order:
/// what a browser page could have forged (403/415), an address out of failed attempts (429), the credentials
/// (401/403). Refusals are logged through <see cref="RefusalLog"/>, so a flood costs a line a minute.
/// </summary>
internal sealed class AdminMiddleware(RequestDelegate next, AdminAuthenticator admin, OriginPolicy origins, AdminGuessLimiter limiter, RefusalLog refusals, ILogger<AdminMiddleware> logger)
{
    private const string AuthenticationKind = "admin authentication";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequireAdminMetadata>() is null)
        {
            await next(context);
            return;
        }

        var request = context.Request;
        var address = context.Connection.RemoteIpAddress;
        var remote = address?.ToString() ?? "local";
        if (AdminForgeryCheck.Check(request, origins) is { } forged)
        {
            if (refusals.Record(remote, "browser forgery check", forged.Detail))
            {
                GateLog.AdminForgeryRefused(logger, request.Method, request.Path.Value ?? "", remote, forged.Detail);
            }

            await AuthProblems.WriteAsync(context, forged.Status, forged.Title, forged.Detail);
            return;
        }

        var partition = AdminGuessLimiter.Partition(address);
        var guess = admin.Configured && AdminAuthenticator.PresentsCredentials(request);
        if (guess && limiter.IsThrottled(partition))
        {
            if (refusals.Record(remote, AuthenticationKind, "throttled (429)"))
            {
                GateLog.AdminThrottled(logger, request.Method, request.Path.Value ?? "", remote, AdminGuessLimiter.Burst);
            }

            context.Response.Headers.RetryAfter = AdminGuessLimiter.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await AuthProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too Many Requests", "too many failed admin authentications from this address; try again after Retry-After seconds");
            return;
        }

        var check = admin.Check(context);
        if (!check.Granted)
        {
            if (guess && check.Outcome == AdminOutcome.Unauthorized)
            {
                limiter.RecordFailure(partition);
            }

            if (refusals.Record(remote, AuthenticationKind, check.Reason))
            {
                AuthLog.AdminRefused(logger, request.Method, request.Path.Value ?? "", remote, check.Reason);
            }

            await AuthProblems.WriteAdminAsync(context, admin, check);
            return;
        }

        await next(context);
    }
}
