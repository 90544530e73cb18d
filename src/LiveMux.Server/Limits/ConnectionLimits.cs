using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LiveMux.Server.Limits;

/// <summary>The server-wide limits, which Kestrel enforces.</summary>
internal static class ConnectionLimits
{
    public static void Apply(KestrelServerOptions kestrel, LimitsOptions limits)
    {
        kestrel.Limits.MaxConcurrentConnections = limits.MaxConnections;
        kestrel.Limits.MaxConcurrentUpgradedConnections = limits.MaxUpgradedConnections;
    }
}
