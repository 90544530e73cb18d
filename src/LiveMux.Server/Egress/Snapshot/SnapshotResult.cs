namespace LiveMux.Server.Egress.Snapshot;

/// <summary>A JPEG, or the HTTP status and the reason there is none.</summary>
internal sealed record SnapshotResult(byte[]? Jpeg, int Status, string Reason)
{
    public static SnapshotResult Picture(byte[] jpeg) => new(jpeg, StatusCodes.Status200OK, "");

    public static SnapshotResult Unavailable(string reason) => new(null, StatusCodes.Status503ServiceUnavailable, reason);
}
