namespace LiveMux.Server.Auth;

/// <summary>Host check, browser-forgery check and admin guess throttling: ids 3300-3349. Never logs a credential.</summary>
internal static partial class GateLog
{
    [LoggerMessage(EventId = 3300, Level = LogLevel.Warning, Message = "Request {Method} {Path} from {Remote} refused: Host {Host} is not an IP address, localhost, or a name in LiveMux:PublicHosts")]
    public static partial void HostRefused(ILogger logger, string method, string path, string remote, string host);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "{Count} more requests from {Remote} refused in the last {Seconds} s ({Kind}); the last: {Reason}")]
    public static partial void RefusalsSummary(ILogger logger, int count, string remote, int seconds, string kind, string reason);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Admin request {Method} {Path} from {Remote} refused: {Reason}")]
    public static partial void AdminForgeryRefused(ILogger logger, string method, string path, string remote, string reason);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "Admin request {Method} {Path} from {Remote} refused with 429: {Burst} failed authentications, then more than one a second")]
    public static partial void AdminThrottled(ILogger logger, string method, string path, string remote, int burst);
}
