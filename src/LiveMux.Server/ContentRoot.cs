namespace LiveMux.Server;

/// <summary>
/// The content root (appsettings.json, wwwroot) is the application's own directory, not the working directory:
/// run from anywhere, LiveMux reads its own settings and serves its own pages. An explicit <c>--contentRoot</c>
/// or <c>ASPNETCORE_CONTENTROOT</c> / <c>DOTNET_CONTENTROOT</c> still wins, as the test host relies on.
/// </summary>
internal static class ContentRoot
{
    /// <summary>The path for <see cref="WebApplicationOptions.ContentRootPath"/>: null leaves an explicit choice to the host.</summary>
    public static string? For(string[] args)
    {
        var chosen = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        return string.IsNullOrEmpty(chosen) ? AppContext.BaseDirectory : null;
    }
}
