namespace LiveMux.Hub.Sources;

/// <summary>
/// A source session failed for a reason people can act on ("ffmpeg not found: ..."). The message is shown
/// in the API and to viewers as it is, so it never holds credentials.
/// </summary>
public sealed class StreamSourceException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The shortest wait before the next attempt, for failures a quick retry cannot fix (ffmpeg not installed).</summary>
    public TimeSpan MinRetryDelay { get; init; }
}
