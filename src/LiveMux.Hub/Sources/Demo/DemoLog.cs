using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// Log messages of the demo clip. Event ids 4100-4199 are reserved for the demo and never reused; 4101-4111
/// belonged to the hand-written demo RTSP stack (now LiveMux.Rtsp's server, ids 1100-1149), 4100 and 4113 to the
/// demo server and publisher (now the host's demo camera), and all stay retired.
/// </summary>
internal static partial class DemoLog
{
    [LoggerMessage(EventId = 4112, Level = LogLevel.Warning, Message = "Demo clip woke {Late} late; skipping to the next IDR")]
    public static partial void ClipLate(this ILogger logger, TimeSpan late);
}
