namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Figures that measure this machine as much as LiveMux: frames decoded per window, the player's lag behind
/// live, glass-to-glass percentiles. bench/run-e2e-figures.sh sets LIVEMUX_STRICT_FIGURES=1 and asserts their
/// tight form there, on a quiet machine. In CI (<c>dotnet test</c>, other test processes and neighbours on two
/// shared cores) the same tests assert a structural bound that only a fault of LiveMux crosses: playback that
/// stops, skips a GOP, restarts, or falls a GOP behind live. Every call names both bounds in its message, so a
/// failure says which one it broke.
/// </summary>
internal static class MachineFigures
{
    /// <summary>Whether the tight (bench) bounds are asserted instead of the structural (CI) ones.</summary>
    public static bool Strict => Environment.GetEnvironmentVariable("LIVEMUX_STRICT_FIGURES") == "1";

    /// <summary>Asserts <paramref name="actual"/> &gt;= <paramref name="bench"/> when <see cref="Strict"/>, else &gt;= <paramref name="ci"/>.</summary>
    public static void AtLeast(double actual, double bench, double ci, string what)
    {
        var bound = Strict ? bench : ci;
        Assert.True(actual >= bound, $"{what}: {actual:0.###}, below {bound:0.###} ({Which} bound; bench {bench:0.###}, CI {ci:0.###})");
    }

    /// <summary>Asserts <paramref name="actual"/> &lt;= <paramref name="bench"/> when <see cref="Strict"/>, else &lt;= <paramref name="ci"/>.</summary>
    public static void AtMost(double actual, double bench, double ci, string what)
    {
        var bound = Strict ? bench : ci;
        Assert.True(actual <= bound, $"{what}: {actual:0.###}, above {bound:0.###} ({Which} bound; bench {bench:0.###}, CI {ci:0.###})");
    }

    private static string Which => Strict ? "bench" : "CI";
}
