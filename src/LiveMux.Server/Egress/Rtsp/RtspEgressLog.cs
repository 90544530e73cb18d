namespace LiveMux.Server.Egress.Rtsp;

internal static partial class RtspEgressLog
{
    [LoggerMessage(EventId = 3420, Level = LogLevel.Information, Message = "Stream {Stream}: RTSP media ready ({Codecs})")]
    public static partial void Mounted(ILogger logger, string stream, string codecs);

    [LoggerMessage(EventId = 3421, Level = LogLevel.Warning, Message = "Stream {Stream}: track {Track} ({Codec}) has no RTP format known to its source; not served over RTSP")]
    public static partial void NoFormat(ILogger logger, string stream, int track, string codec);

    [LoggerMessage(EventId = 3422, Level = LogLevel.Debug, Message = "Stream {Stream}: track {Track}: a sample the packetizer refused: {Reason}")]
    public static partial void Refused(ILogger logger, string stream, int track, string reason);

    [LoggerMessage(EventId = 3423, Level = LogLevel.Warning, Message = "Stream {Stream}: the RTSP egress fell behind ({Reason}); subscribing again")]
    public static partial void Resubscribing(ILogger logger, string stream, string reason);

    [LoggerMessage(EventId = 3424, Level = LogLevel.Information, Message = "Stream {Stream}: no longer served over RTSP: {Reason}")]
    public static partial void Ended(ILogger logger, string stream, string reason);

    [LoggerMessage(EventId = 3425, Level = LogLevel.Error, Message = "Stream {Stream}: the RTSP egress failed; no longer served over RTSP")]
    public static partial void Failed(ILogger logger, string stream, Exception exception);
}
