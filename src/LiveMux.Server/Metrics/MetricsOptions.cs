namespace LiveMux.Server.Metrics;

/// <summary><c>LiveMux:Metrics</c>.</summary>
public sealed record MetricsOptions
{
    /// <summary>
    /// Serve <c>/metrics</c> to admins only. Off by default: scrapers rarely carry credentials, and the
    /// figures hold no secrets (stream names are the only labels).
    /// </summary>
    public bool RequireAdmin { get; init; }
}
