namespace LiveMux.Server.Auth;

/// <summary>Auth events, ids 3101-3199. Never logs a credential or a token.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Admin request {Method} {Path} from {Remote} refused: {Reason}")]
    public static partial void AdminRefused(ILogger logger, string method, string path, string remote, string reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Viewer of {Stream} refused on the {Endpoint}: {Reason}")]
    public static partial void ViewerRefused(ILogger logger, string stream, string endpoint, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "WebSocket from origin {Origin} refused: not the server's own origin nor in LiveMux:Auth:AllowedOrigins")]
    public static partial void OriginRefused(ILogger logger, string origin);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Viewer token minted for {Stream}, expires {Expires:O}")]
    public static partial void TokenMinted(ILogger logger, string stream, DateTimeOffset expires);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Information, Message = "No admin credentials configured: the REST API answers loopback callers only. Behind a reverse proxy on this host every caller looks local: set LiveMux:Auth:ApiKey or Username and Password")]
    public static partial void LoopbackOnlyAdmin(ILogger logger);
}
