namespace LiveMux.Server.Auth;

/// <summary>A viewer decision: allowed, or the HTTP status (401/403) and the reason shown to the viewer.</summary>
internal readonly record struct ViewerCheck(bool Allowed, int Status, string Reason)
{
    public static readonly ViewerCheck Allow = new(true, StatusCodes.Status200OK, "");
}
