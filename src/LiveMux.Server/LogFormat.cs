namespace LiveMux.Server;

/// <summary>
/// <c>--log-format json|text</c>: a shorthand for <c>Logging:Console:FormatterName</c>. JSON output also
/// includes logging scopes, which carry the <c>Stream</c> of events logged inside a stream's source
/// (RTSP client, ffmpeg), and UTC timestamps; configuration can still override both.
/// </summary>
internal static class LogFormat
{
    private const string Option = "--log-format";

    /// <summary>Removes <c>--log-format X</c> / <c>--log-format=X</c> from <paramref name="args"/>; null when absent.</summary>
    public static string? Take(ref string[] args, out string? error)
    {
        error = null;
        string? value = null;
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == Option)
            {
                value = i + 1 < args.Length ? args[++i] : "";
            }
            else if (args[i].StartsWith(Option + "=", StringComparison.Ordinal))
            {
                value = args[i][(Option.Length + 1)..];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        args = [.. rest];
        if (value is not null && value is not ("json" or "text"))
        {
            error = $"--log-format must be json or text, not '{value}'";
            return null;
        }

        return value;
    }

    /// <summary>Applies the choice to <paramref name="configuration"/> before anything logs.</summary>
    public static void Apply(ConfigurationManager configuration, string? format)
    {
        if (format is not null)
        {
            // Last source: the explicit flag wins over appsettings and the environment.
            configuration.AddInMemoryCollection([new("Logging:Console:FormatterName", format == "json" ? "json" : "simple")]);
        }

        if (string.Equals(configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase))
        {
            // First source: defaults that any configured value overrides.
            configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
            {
                InitialData =
                [
                    new("Logging:Console:FormatterOptions:IncludeScopes", "true"),
                    new("Logging:Console:FormatterOptions:UseUtcTimestamp", "true"),
                    new("Logging:Console:FormatterOptions:TimestampFormat", "yyyy-MM-ddTHH:mm:ss.fffZ"),
                ],
            });
        }
    }
}
