using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Ffmpeg;

internal static partial class FfmpegLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "ffmpeg started (pid {Pid}) for {Input}")]
    public static partial void Started(ILogger logger, int pid, string input);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "ffmpeg: {Line}")]
    public static partial void Stderr(ILogger logger, string line);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "ffmpeg: {Count} more lines suppressed (over {PerSecond} lines/s)")]
    public static partial void Suppressed(ILogger logger, int count, int perSecond);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "ffmpeg (pid {Pid}) stopped, exit code {ExitCode}")]
    public static partial void Stopped(ILogger logger, int pid, int exitCode);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "ffmpeg output track {TrackId} ignored: {Reason}")]
    public static partial void TrackIgnored(ILogger logger, uint trackId, string reason);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "ffmpeg (pid {Pid}) did not exit within {Seconds} s of being killed")]
    public static partial void ExitTimeout(ILogger logger, int pid, double seconds);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Information, Message = "ffmpeg output track {TrackId} is not served over RTSP: {Reason}")]
    public static partial void NoRtpFormat(ILogger logger, uint trackId, string reason);
}
