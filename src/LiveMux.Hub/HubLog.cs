using LiveMux.Hub.Distribution;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub;

internal static partial class HubLog
{
    private static readonly Func<ILogger, string, IDisposable?> Scope = LoggerMessage.DefineScope<string>("Stream {Stream}");

    /// <summary>A logging scope with a <c>Stream</c> property, for events whose message has no stream parameter.</summary>
    public static IDisposable? StreamScope(ILogger logger, string stream) => Scope(logger, stream);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Stream {Stream}: starting {Source}")]
    public static partial void Starting(ILogger logger, string stream, string source);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Stream {Stream}: live, {Codecs} {Width}x{Height}")]
    public static partial void Live(ILogger logger, string stream, string codecs, int width, int height);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Stream {Stream}: camera lost ({Reason}); retry {Attempt} in {DelayMs} ms")]
    public static partial void Reconnecting(ILogger logger, string stream, string reason, int attempt, long delayMs);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Stream {Stream}: stopped (idle {IdleSeconds} s with no viewers)")]
    public static partial void StoppedIdle(ILogger logger, string stream, double idleSeconds);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Stream {Stream}: new init segment ({Codecs} {Width}x{Height})")]
    public static partial void FormatChanged(ILogger logger, string stream, string codecs, int width, int height);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Stream {Stream}: {Policy} subscriber joined ({Viewers} viewers now)")]
    public static partial void SubscriberJoined(ILogger logger, string stream, SubscriptionPolicy policy, int viewers);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Stream {Stream}: subscriber left ({Viewers} viewers now)")]
    public static partial void SubscriberLeft(ILogger logger, string stream, int viewers);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Stream {Stream}: subscriber disconnected: {Reason}")]
    public static partial void SubscriberClosed(ILogger logger, string stream, string reason);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Error, Message = "Stream {Stream}: unexpected failure in the source loop")]
    public static partial void SourceCrashed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Debug, Message = "Stream {Stream}: dropped ingest data: {Reason}")]
    public static partial void IngestDrop(ILogger logger, string stream, LiveMux.Media.Rtp.DropReason reason);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Stream {Stream}: track {Track} still has no decoder configuration after {Seconds:0.0} s; going on without it")]
    public static partial void TrackWithoutConfig(ILogger logger, string stream, int track, double seconds);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Stream {Stream}: track {Track} ({Codec}) not used; one video and one audio track are played")]
    public static partial void TrackIgnored(ILogger logger, string stream, int track, string codec);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Debug, Message = "Stream {Stream}: audio moved by {DeltaMs} ms to match the sender's clock")]
    public static partial void SyncAdjusted(ILogger logger, string stream, long deltaMs);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Stream {Stream}: sender reports put audio {DeltaMs} ms off the video; ignored as implausible")]
    public static partial void SyncIgnored(ILogger logger, string stream, long deltaMs);
}
