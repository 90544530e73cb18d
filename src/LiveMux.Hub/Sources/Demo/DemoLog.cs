using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// Log messages of the demo publisher. Event ids 4100-4199 are reserved for the demo and never reused; 4101-4111
/// belonged to the hand-written demo RTSP stack (now LiveMux.Rtsp's server, ids 1100-1149) and stay retired.
/// </summary>
internal static partial class DemoLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Demo RTSP server listening on {Url}")]
    public static partial void Listening(this ILogger logger, Uri url);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Warning, Message = "Demo publisher woke {Late} late; skipping to the next IDR")]
    public static partial void PublisherLate(this ILogger logger, TimeSpan late);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Error, Message = "Demo publisher failed")]
    public static partial void PublisherFailed(this ILogger logger, Exception exception);
}
