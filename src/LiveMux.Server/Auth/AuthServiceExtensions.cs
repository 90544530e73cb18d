namespace LiveMux.Server.Auth;

/// <summary>Registers and wires admin and viewer auth.</summary>
internal static class AuthServiceExtensions
{
    public static IServiceCollection AddLiveMuxAuth(this IServiceCollection services, AuthOptions options, string[] publicHosts)
    {
        services.AddSingleton(options);
        services.AddSingleton(new HostPolicy(publicHosts));
        services.AddSingleton<RefusalLog>();
        services.AddSingleton<AdminGuessLimiter>();
        services.AddSingleton<AdminAuthenticator>();
        services.AddSingleton(sp => new ViewerTokens(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ViewerRules>();
        services.AddSingleton<ViewerAccess>();
        services.AddSingleton<OriginPolicy>();
        return services;
    }

    /// <summary>
    /// Security headers and the Host check for every request, then the admin check for marked endpoints and the
    /// player page's gate; call before the static files.
    /// </summary>
    public static WebApplication UseLiveMuxAuth(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<HostGate>();

        // Routing itself answers a body of the wrong type on endpoints that declare theirs (415, empty): say why.
        app.UseStatusCodePages(context => context.HttpContext.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType
            ? AuthProblems.WriteAsync(context.HttpContext, StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", AdminForgeryCheck.JsonRequired)
            : Task.CompletedTask);
        if (!app.Services.GetRequiredService<AdminAuthenticator>().Configured)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LiveMux.Server.Auth");
            AuthLog.LoopbackOnlyAdmin(logger);
        }

        app.UseMiddleware<AdminMiddleware>();
        app.UseMiddleware<PlayerPageGate>();
        return app;
    }

    /// <summary>Maps <c>POST tokens</c> on the admin group.</summary>
    public static RouteGroupBuilder MapLiveMuxTokens(this RouteGroupBuilder admin)
    {
        admin.MapPost("/tokens", TokensEndpoint.Handle).WithTags("tokens");
        return admin;
    }
}
