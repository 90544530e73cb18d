namespace LiveMux.Rtsp;

public sealed record RtspClientOptions
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>No RTP at all for this long fails the session with <see cref="RtspErrorKind.NoMedia"/>.</summary>
    public TimeSpan MediaTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Status line plus headers of one message.</summary>
    public int MaxHeaderBytes { get; init; } = 16 * 1024;

    /// <summary>Content-Length of one message.</summary>
    public int MaxBodyBytes { get; init; } = 256 * 1024;

    public int MaxInterleavedFrameBytes { get; init; } = 65535;
    public string UserAgent { get; init; } = "LiveMux";
}
