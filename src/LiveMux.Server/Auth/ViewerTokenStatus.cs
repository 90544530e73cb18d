namespace LiveMux.Server.Auth;

/// <summary>Why a viewer token was accepted or not.</summary>
internal enum ViewerTokenStatus
{
    Valid,
    Malformed,
    BadSignature,
    Expired,
    WrongStream,
}
