namespace LiveMux.Server.Auth;

/// <summary>
/// Refuses, on every route, a request whose Host <see cref="HostPolicy"/> does not accept (DNS rebinding), with a
/// 403 problem that says how to allow the name. The two health probes stay open to any Host: load balancers and
/// orchestrators call them by whatever name they know, and they say nothing but "ok" or "ready".
/// </summary>
internal sealed class HostGate(RequestDelegate next, HostPolicy hosts, RefusalLog refusals, ILogger<HostGate> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (hosts.Accepts(request.Host) || request.Path.Equals("/healthz", StringComparison.Ordinal) || request.Path.Equals("/readyz", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var remote = context.Connection.RemoteIpAddress?.ToString() ?? "local";
        var name = request.Host.Host;
        if (refusals.Record(remote, "unknown Host", $"Host {name}"))
        {
            GateLog.HostRefused(logger, request.Method, request.Path.Value ?? "", remote, name);
        }

        await AuthProblems.WriteAsync(
            context,
            StatusCodes.Status403Forbidden,
            "Unknown host name",
            $"this server does not answer to the name '{name}'. Use its IP address or localhost, or, if the name is yours, add it to {HostPolicy.Key} (for example {HostPolicy.Key.Replace(":", "__", StringComparison.Ordinal)}__0={name})");
    }
}
