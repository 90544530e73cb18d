namespace LiveMux.Server.Auth;

/// <summary><c>LiveMux:Auth:Viewers</c>: who may watch.</summary>
public enum ViewerAccessMode
{
    /// <summary>Anyone who can reach the server.</summary>
    Open,

    /// <summary>A viewer token for the stream, admin credentials, or a stream listed in PublicStreams.</summary>
    Token,
}
