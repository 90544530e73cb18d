namespace LiveMux.Server.Egress.Snapshot;

internal static partial class SnapshotLog
{
    [LoggerMessage(EventId = 3440, Level = LogLevel.Debug, Message = "Stream {Stream}: snapshot decoded from {Frames} frames ({Bytes} bytes) in {Milliseconds:0} ms")]
    public static partial void Decoded(ILogger logger, string stream, int frames, int bytes, double milliseconds);

    [LoggerMessage(EventId = 3441, Level = LogLevel.Warning, Message = "Stream {Stream}: snapshot failed: {Reason}")]
    public static partial void Failed(ILogger logger, string stream, string reason);

    [LoggerMessage(EventId = 3442, Level = LogLevel.Warning, Message = "Stream {Stream}: snapshot decode killed after {Seconds:0.0} s")]
    public static partial void DecodeTimedOut(ILogger logger, string stream, double seconds);

    [LoggerMessage(EventId = 3443, Level = LogLevel.Debug, Message = "Stream {Stream}: snapshot request refused: {Reason}")]
    public static partial void Refused(ILogger logger, string stream, string reason);
}
