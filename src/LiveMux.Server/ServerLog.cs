namespace LiveMux.Server;

internal static partial class ServerLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Invalid configuration: {Error}")]
    public static partial void InvalidConfiguration(ILogger logger, string error);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "No streams configured: serving the demo stream at {Url}")]
    public static partial void DemoStarted(ILogger logger, Uri url);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Stream {Stream} configured: {Source}")]
    public static partial void StreamConfigured(ILogger logger, string stream, string source);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Viewer refused on {Stream}: {Reason}")]
    public static partial void ViewerRefused(ILogger logger, string stream, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "WebSocket viewer of {Stream} ended: {Reason}")]
    public static partial void ViewerEnded(ILogger logger, string stream, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Viewer of {Stream} gets no {Codecs}: its browser cannot play it")]
    public static partial void TracksLeftOut(ILogger logger, string stream, string codecs);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Critical, Message = "Cannot start: {Reason} Another program, or another LiveMux, listens there: stop it or choose another address with --urls (for example --urls http://127.0.0.1:8081)")]
    public static partial void AddressInUse(ILogger logger, string reason);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Viewer of {Stream} moved to {Fallback}: {Reason}")]
    public static partial void ViewerFallback(ILogger logger, string stream, string reason, string fallback);
}
