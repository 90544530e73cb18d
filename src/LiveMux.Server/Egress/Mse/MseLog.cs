namespace LiveMux.Server.Egress.Mse;

internal static partial class MseLog
{
    [LoggerMessage(EventId = 3400, Level = LogLevel.Warning, Message = "Stream {Stream}: audio track ({Codec}) is announced but sent nothing in {Seconds:0.0} s of video; browsers play the video alone until the camera reconnects")]
    public static partial void AudioSilent(ILogger logger, string stream, string codec, double seconds);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Stream {Stream}: MSE viewer joined ({Viewers} now)")]
    public static partial void ViewerJoined(ILogger logger, string stream, int viewers);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information, Message = "Stream {Stream}: MSE viewer left ({Viewers} now)")]
    public static partial void ViewerLeft(ILogger logger, string stream, int viewers);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "Stream {Stream}: MSE viewer disconnected: {Reason}")]
    public static partial void ViewerClosed(ILogger logger, string stream, string reason);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Debug, Message = "Stream {Stream}: G.711 unit of {Bytes} bytes not re-encoded as FLAC; dropped")]
    public static partial void FlacDropped(ILogger logger, string stream, int bytes);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Error, Message = "Stream {Stream}: the MSE muxer failed; its viewers are disconnected")]
    public static partial void MuxerFailed(ILogger logger, string stream, Exception exception);
}
