namespace LiveMux.Server.Auth;

internal enum AdminOutcome
{
    Granted,

    /// <summary>401: credentials are configured and the request has none or wrong ones.</summary>
    Unauthorized,

    /// <summary>403: nothing is configured and the caller is not on loopback.</summary>
    Forbidden,
}

/// <summary>The admin decision for one request, with a reason fit for the client (never a secret).</summary>
internal readonly record struct AdminCheck(AdminOutcome Outcome, string Reason)
{
    public bool Granted => Outcome == AdminOutcome.Granted;
}
