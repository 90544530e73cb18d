using System.Net;
using Microsoft.Extensions.Logging;

namespace LiveMux.Rtsp.Server;

/// <summary>RTSP server log events. Stable ids 1100-1149 (the client has 1000-1099); never reused.</summary>
internal static partial class RtspServerLog
{
    [LoggerMessage(1100, LogLevel.Information, "RTSP server listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(1101, LogLevel.Debug, "RTSP client {Remote} connected")]
    public static partial void Connected(ILogger logger, EndPoint? remote);

    [LoggerMessage(1102, LogLevel.Warning, "RTSP client {Remote} rejected: {MaxConnections} connections already open")]
    public static partial void Rejected(ILogger logger, EndPoint? remote, int maxConnections);

    [LoggerMessage(1103, LogLevel.Debug, "RTSP {Method} {Path} from {Remote} -> {Status}")]
    public static partial void RequestHandled(ILogger logger, string method, string path, EndPoint? remote, int status);

    [LoggerMessage(1104, LogLevel.Warning, "RTSP client {Remote} sent a bad request ({Reason}); closing")]
    public static partial void BadRequest(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(1105, LogLevel.Information, "RTSP session {SessionId} playing /{Path} to {Remote} over {Transport}")]
    public static partial void Playing(ILogger logger, string sessionId, string path, EndPoint? remote, string transport);

    [LoggerMessage(1106, LogLevel.Warning, "RTSP client {Remote} closed: {Reason}")]
    public static partial void Disconnected(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(1107, LogLevel.Debug, "RTSP client {Remote} closed ({Reason}): {FramesSent} frames sent, {FramesSkipped} skipped in {SkipEpisodes} episodes")]
    public static partial void Closed(ILogger logger, EndPoint? remote, string reason, long framesSent, long framesSkipped, long skipEpisodes);

    [LoggerMessage(1108, LogLevel.Debug, "RTSP client {Remote} connection failed")]
    public static partial void ConnectionFailed(ILogger logger, EndPoint? remote, Exception exception);

    [LoggerMessage(1109, LogLevel.Error, "RTSP server accept loop failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(1110, LogLevel.Information, "RTSP publisher {Remote} announced /{Path} with {Tracks} tracks")]
    public static partial void Announced(ILogger logger, string path, EndPoint? remote, int tracks);

    [LoggerMessage(1111, LogLevel.Information, "RTSP publisher {Remote} recording /{Path} over {Transport}")]
    public static partial void Recording(ILogger logger, string path, EndPoint? remote, string transport);

    [LoggerMessage(1112, LogLevel.Error, "RTSP UDP packet from {Remote} failed in its receiver")]
    public static partial void UdpReceiverFailed(ILogger logger, EndPoint remote, Exception exception);

    [LoggerMessage(1113, LogLevel.Information, "RTSP server UDP on ports {RtpPort}-{RtcpPort}")]
    public static partial void UdpListening(ILogger logger, int rtpPort, int rtcpPort);
}
