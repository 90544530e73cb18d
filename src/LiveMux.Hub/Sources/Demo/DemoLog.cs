using System.Net;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>Log messages of the demo RTSP server. Event ids 4100-4199 are reserved for it and never reused.</summary>
internal static partial class DemoLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Demo RTSP server listening on {Url}")]
    public static partial void Listening(this ILogger logger, Uri url);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Demo RTSP client {Remote} connected")]
    public static partial void ClientConnected(this ILogger logger, EndPoint? remote);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Demo RTSP client {Remote} rejected: {MaxSessions} connections already open")]
    public static partial void ClientRejected(this ILogger logger, EndPoint? remote, int maxSessions);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "Demo RTSP {Method} from {Remote} -> {Status}")]
    public static partial void RequestHandled(this ILogger logger, string method, EndPoint? remote, int status);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Demo RTSP client {Remote} sent a bad request ({Reason}); closing")]
    public static partial void BadRequest(this ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Demo RTSP session {SessionId} playing to {Remote} (ssrc {Ssrc:X8})")]
    public static partial void Playing(this ILogger logger, string sessionId, EndPoint? remote, uint ssrc);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Demo RTSP client {Remote} is not keeping up; dropping frames until the next IDR")]
    public static partial void DroppingFrames(this ILogger logger, EndPoint? remote);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "Demo RTSP client {Remote} took no frame for {Stall}; closing")]
    public static partial void ClientStalled(this ILogger logger, EndPoint? remote, TimeSpan stall);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Information, Message = "Demo RTSP client {Remote} idle for {Timeout}; closing")]
    public static partial void SessionTimedOut(this ILogger logger, EndPoint? remote, TimeSpan timeout);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Information, Message = "Demo RTSP client {Remote} closed: {FramesSent} frames sent, {FramesDropped} dropped")]
    public static partial void ClientClosed(this ILogger logger, EndPoint? remote, long framesSent, long framesDropped);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Debug, Message = "Demo RTSP client {Remote} connection failed")]
    public static partial void ConnectionFailed(this ILogger logger, EndPoint? remote, Exception exception);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Error, Message = "Demo RTSP server accept loop failed")]
    public static partial void AcceptFailed(this ILogger logger, Exception exception);
}
