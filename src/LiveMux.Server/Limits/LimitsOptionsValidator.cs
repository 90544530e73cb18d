namespace LiveMux.Server.Limits;

/// <summary>Start-up checks of <c>LiveMux:Limits</c>.</summary>
internal static class LimitsOptionsValidator
{
    public static void Validate(List<string> errors, LimitsOptions limits)
    {
        AtLeastOne(errors, nameof(LimitsOptions.MaxConnections), limits.MaxConnections);
        AtLeastOne(errors, nameof(LimitsOptions.MaxUpgradedConnections), limits.MaxUpgradedConnections);
        AtLeastOne(errors, nameof(LimitsOptions.MaxPendingHandshakesPerAddress), limits.MaxPendingHandshakesPerAddress);
        AtLeastOne(errors, nameof(LimitsOptions.MaxViewers), limits.MaxViewers);
    }

    private static void AtLeastOne(List<string> errors, string name, int value)
    {
        if (value < 1)
        {
            errors.Add($"{LimitsOptions.Section}:{name} must be at least 1");
        }
    }
}
