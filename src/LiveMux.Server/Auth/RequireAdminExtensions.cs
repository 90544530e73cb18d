namespace LiveMux.Server.Auth;

/// <summary>Endpoint metadata: only admin callers reach this endpoint (see <see cref="AdminMiddleware"/>).</summary>
public sealed class RequireAdminMetadata
{
    public static readonly RequireAdminMetadata Instance = new();

    private RequireAdminMetadata()
    {
    }
}

public static class RequireAdminExtensions
{
    /// <summary>
    /// Admin only: an API key or Basic credentials when configured, else loopback callers. Works on one
    /// endpoint or a route group; failures are 401/403 problem details.
    /// </summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(RequireAdminMetadata.Instance));
        return builder;
    }
}
