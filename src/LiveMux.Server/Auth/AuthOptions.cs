namespace LiveMux.Server.Auth;

/// <summary>
/// <c>LiveMux:Auth</c>. Admin (the REST API, minting tokens): an API key, Basic credentials, or both; with
/// neither, admin requests are accepted from loopback only. Viewers: open, or a signed token per stream.
/// </summary>
public sealed record AuthOptions
{
    public const string Section = "LiveMux:Auth";

    /// <summary>Sent as <c>X-Api-Key: KEY</c> or <c>Authorization: Bearer KEY</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Basic credentials; set together with <see cref="Password"/>.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    public ViewerAccessMode Viewers { get; init; } = ViewerAccessMode.Open;

    /// <summary>HMAC-SHA256 key of viewer tokens, at least 32 characters; required when <see cref="Viewers"/> is token.</summary>
    public string? TokenSecret { get; init; }

    /// <summary>Streams that stay open to everyone when <see cref="Viewers"/> is token.</summary>
    public string[] PublicStreams { get; init; } = [];

    /// <summary>Browser origins allowed on the WebSocket besides the server's own (<c>https://host[:port]</c>, or <c>*</c>).</summary>
    public string[] AllowedOrigins { get; init; } = [];

    internal bool HasApiKey => !string.IsNullOrEmpty(ApiKey);

    internal bool HasBasic => !string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password);

    internal bool AdminConfigured => HasApiKey || HasBasic;
}
