namespace LiveMux.Hub.Sources;

/// <summary>
/// Why a source session failed, said twice: the detail (the exception's message, with hosts, ports, status lines
/// and the first bytes of a camera's answer) goes to the admin API and the log; anonymous viewers get a reason
/// they can act on that names no host, port, URL, path or camera banner. Sources say both in a
/// <see cref="StreamSourceException"/> (the RTSP source through <see cref="RtspFailure"/>); anything else is a bug.
/// </summary>
internal static class SourceFailure
{
    public const string Internal = "internal error";
}
