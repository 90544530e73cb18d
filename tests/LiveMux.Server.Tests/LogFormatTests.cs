using Microsoft.Extensions.Configuration;

namespace LiveMux.Server.Tests;

/// <summary>--log-format is taken off the command line before the host sees it, and checked.</summary>
public sealed class LogFormatTests
{
    public static TheoryData<string[], string?, string?, string[]> Cases => new()
    {
        // arguments, format, error, arguments left
        { ["--log-format", "json", "--urls=x"], "json", null, ["--urls=x"] },
        { ["--urls=x", "--log-format=text"], "text", null, ["--urls=x"] },
        { ["--urls=x"], null, null, ["--urls=x"] },
        { ["--log-format=xml"], null, "--log-format must be json or text, not 'xml'", [] },
        { ["--log-format"], null, "--log-format must be json or text, not ''", [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Takes_the_option(string[] args, string? format, string? error, string[] left)
    {
        Assert.Equal(format, LogFormat.Take(ref args, out var e));
        Assert.Equal(error, e);
        Assert.Equal(left, args);
    }

    public static TheoryData<string?, string?, string, string?> Effects => new()
    {
        // flag, configured formatter, effective formatter, IncludeScopes
        { "json", null, "json", "true" },
        { "json", "simple", "json", "true" },
        { "text", "json", "simple", null },
        { null, "json", "json", "true" },
        { null, null, "", null },
    };

    [Theory]
    [MemberData(nameof(Effects))]
    public void Json_turns_on_scopes(string? flag, string? configured, string formatter, string? scopes)
    {
        var configuration = new ConfigurationManager();
        if (configured is not null)
        {
            configuration.AddInMemoryCollection([new("Logging:Console:FormatterName", configured)]);
        }

        LogFormat.Apply(configuration, flag);
        Assert.Equal(formatter, configuration["Logging:Console:FormatterName"] ?? "");
        Assert.Equal(scopes, configuration["Logging:Console:FormatterOptions:IncludeScopes"]);
    }

    [Fact]
    public void Configured_formatter_options_win_over_the_json_defaults()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection([new("Logging:Console:FormatterOptions:IncludeScopes", "false")]);
        LogFormat.Apply(configuration, "json");
        Assert.Equal("false", configuration["Logging:Console:FormatterOptions:IncludeScopes"]);
        Assert.Equal("true", configuration["Logging:Console:FormatterOptions:UseUtcTimestamp"]);
    }
}
