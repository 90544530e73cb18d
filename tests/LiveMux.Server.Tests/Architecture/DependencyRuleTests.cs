namespace LiveMux.Server.Tests.Architecture;

/// <summary>
/// ARCHITECTURE.md: references point one way, Server → Hub → Rtsp → Media; Media references nothing; the hub knows
/// no RTSP errors. Read from the built assemblies' metadata, so a using directive or a transitive package cannot
/// slip past a look at the csproj files.
/// </summary>
public sealed class DependencyRuleTests
{
    private static readonly string[] s_rtspErrors = ["LiveMux.Rtsp.RtspException", "LiveMux.Rtsp.RtspErrorKind"];

    // The RTSP source is the one place in the hub that speaks RTSP: it turns RTSP errors into the hub's words.
    private static readonly string[] s_rtspSource = ["LiveMux.Hub.Sources.RtspFailure", "LiveMux.Hub.Sources.RtspSource"];

    public static TheoryData<string, string[]> Layers => new()
    {
        { "LiveMux.Media", [] },
        { "LiveMux.Rtsp", ["LiveMux.Media"] },
        { "LiveMux.Hub", ["LiveMux.Media", "LiveMux.Rtsp"] },
        { "LiveMux.Server", ["LiveMux.Hub", "LiveMux.Media", "LiveMux.Rtsp"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void Each_assembly_references_only_the_layers_below_it(string assembly, string[] allowed)
    {
        using var usage = Open(assembly);
        var ours = usage.AssemblyReferences.Where(r => r.StartsWith("LiveMux.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Subset(allowed.ToHashSet(), ours.ToHashSet());
    }

    [Theory]
    [InlineData("LiveMux.Media")]
    [InlineData("LiveMux.Rtsp")]
    [InlineData("LiveMux.Hub")]
    public void Only_the_server_knows_asp_net(string assembly)
    {
        using var usage = Open(assembly);
        Assert.DoesNotContain(usage.AssemblyReferences, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(usage.TypeReferences, t => t.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal));
    }

    [Fact]
    public void Media_is_pure_no_logging_no_hosting_no_other_project()
    {
        using var usage = Open("LiveMux.Media");
        Assert.All(usage.AssemblyReferences, r => Assert.True(r is "System.Runtime" || r.StartsWith("System.", StringComparison.Ordinal), $"LiveMux.Media references {r}"));
        Assert.DoesNotContain(usage.TypeReferences, t => t.StartsWith("Microsoft.", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_the_rtsp_source_knows_rtsp_errors()
    {
        using var hub = Open("LiveMux.Hub");
        var users = hub.UsersOf(s_rtspErrors.ToHashSet());

        // The scan must see the source's own catch clauses (inside its async state machine) and its translation,
        // or an empty answer would prove nothing.
        Assert.Equal(s_rtspSource, users.Keys.Intersect(s_rtspSource).Order(StringComparer.Ordinal));
        var others = users.Where(u => !s_rtspSource.Contains(u.Key)).Select(u => $"{u.Key} uses {string.Join(", ", u.Value)}").ToList();
        Assert.True(others.Count == 0, string.Join(Environment.NewLine, others));

        using var server = Open("LiveMux.Server");
        Assert.Empty(server.UsersOf(s_rtspErrors.ToHashSet()).Keys);
    }

    private static TypeUsage Open(string name) => new(LiveMuxAssemblies.All.Single(a => a.GetName().Name == name));
}
