using Microsoft.Extensions.Options;

namespace LiveMux.Server;

/// <summary>
/// Log categories that write request URLs, and with them viewer tokens (<c>?token=</c>), are off whatever the
/// configuration says: ASP.NET's request lines at Information ("Request starting HTTP/1.1 GET
/// http://host/api/ws?src=door&amp;token=v1..."), and Kestrel's bad-request details, which quote the raw
/// request target. LiveMux adds no HttpLogging middleware, so no other ASP.NET category sees the query.
/// </summary>
/// <remarks>
/// Runs after every configured rule (appsettings, environment, command line, a reload of them). The logging
/// filter picks, for each provider, the rule naming that provider over a general one, then the longest category
/// prefix, then the last: so a rule for each category is added for every provider any rule names, and wildcard
/// rules longer than a category (thus more specific) are dropped.
/// </remarks>
internal sealed class SensitiveLogCategories : IPostConfigureOptions<LoggerFilterOptions>
{
    public static readonly string[] Categories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",
        "Microsoft.AspNetCore.Server.Kestrel.BadRequests",
    ];

    public void PostConfigure(string? name, LoggerFilterOptions options)
    {
        var providers = options.Rules.Select(r => r.ProviderName).Append(null).Distinct(StringComparer.Ordinal).ToList();
        for (var i = options.Rules.Count - 1; i >= 0; i--)
        {
            if (options.Rules[i].CategoryName is { } pattern && pattern.Contains('*', StringComparison.Ordinal)
                && Categories.Any(c => pattern.Length > c.Length && Matches(pattern, c)))
            {
                options.Rules.RemoveAt(i);
            }
        }

        foreach (var provider in providers)
        {
            foreach (var category in Categories)
            {
                options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.None, null));
            }
        }
    }

    // As the logging filter reads a category with one '*': a prefix and a suffix, compared without case.
    private static bool Matches(string pattern, string category)
    {
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        var prefix = pattern[..star];
        var suffix = pattern[(star + 1)..];
        return category.Length >= prefix.Length + suffix.Length
            && category.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && category.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
    }
}
