namespace LiveMux.Rtsp;

/// <summary>An RTSP session failed. The message is meant for people and never holds credentials.</summary>
public sealed class RtspException : Exception
{
    public RtspException(RtspErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public RtspErrorKind Kind { get; }
}
