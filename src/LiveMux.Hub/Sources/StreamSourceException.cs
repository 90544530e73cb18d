namespace LiveMux.Hub.Sources;

/// <summary>
/// A source session failed for a reason people can act on ("ffmpeg not found: ..."). The message is shown
/// in the API and the log, so it never holds credentials; viewers get <see cref="ViewerReason"/> instead.
/// </summary>
public sealed class StreamSourceException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The shortest wait before the next attempt, for failures a quick retry cannot fix (ffmpeg not installed).</summary>
    public TimeSpan MinRetryDelay { get; init; }

    /// <summary>What anonymous viewers are told: no host, port, URL, path or line of the source's output.</summary>
    public string ViewerReason { get; init; } = "the stream's source failed";
}
