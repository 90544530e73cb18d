using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Publish;

/// <summary>A publish stream's publishers. Never a password: the server checked it before any of these.</summary>
internal static partial class PublishLog
{
    [LoggerMessage(EventId = 4140, Level = LogLevel.Information, Message = "Stream {Stream}: publisher {Remote} announced {Tracks}")]
    public static partial void Announced(ILogger logger, string stream, string remote, string tracks);

    [LoggerMessage(EventId = 4141, Level = LogLevel.Warning, Message = "Stream {Stream}: publisher {Remote} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string stream, string remote, string reason);

    [LoggerMessage(EventId = 4142, Level = LogLevel.Information, Message = "Stream {Stream}: publisher {Remote} recording over {Transport}")]
    public static partial void Recording(ILogger logger, string stream, string remote, string transport);

    [LoggerMessage(EventId = 4143, Level = LogLevel.Information, Message = "Stream {Stream}: publisher {Remote} left ({Reason})")]
    public static partial void Left(ILogger logger, string stream, string remote, string reason);

    [LoggerMessage(EventId = 4144, Level = LogLevel.Warning, Message = "Stream {Stream}: publisher {Remote} disconnected: {Reason}")]
    public static partial void Disconnected(ILogger logger, string stream, string remote, string reason);

    [LoggerMessage(EventId = 4145, Level = LogLevel.Information, Message = "Stream {Stream}: publisher's track {Track} ({Codec}) not carried; one video and one audio track are")]
    public static partial void TrackNotCarried(ILogger logger, string stream, int track, string codec);

    [LoggerMessage(EventId = 4146, Level = LogLevel.Error, Message = "Stream {Stream}: unexpected failure handling the publisher's media")]
    public static partial void MediaCrashed(ILogger logger, string stream, Exception exception);
}
