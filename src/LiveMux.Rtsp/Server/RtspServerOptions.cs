namespace LiveMux.Rtsp.Server;

/// <summary>
/// Limits of <see cref="RtspServer"/>. Every input from a client is bounded in size, count and time: a request's
/// bytes and header lines, the connections, the time to send one request, the time a send to the client may block,
/// and the frames queued for it.
/// </summary>
public sealed record RtspServerOptions
{
    /// <summary>Connections beyond this many get 503 and are closed.</summary>
    public int MaxConnections { get; init; } = 100;

    /// <summary>Hard limit of one request's headers, and of its body; a bigger request gets 413 and is closed.</summary>
    public int MaxRequestBytes { get; init; } = 8 * 1024;

    /// <summary>Header lines of one request.</summary>
    public int MaxHeaderCount { get; init; } = 64;

    /// <summary>Time from a request's first byte to its last; a client that trickles a request is closed.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Announced in the Session header; a client that sends nothing (no request, no RTCP) this long is closed.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>One send to a client may block this long; a client that stops reading is closed after it.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Frames queued for one client; when full, its frames are skipped up to the next keyframe.</summary>
    public int QueueFrames { get; init; } = 60;

    /// <summary>A client that had to skip frames in this many GOPs in a row is closed: it cannot keep up.</summary>
    public int MaxSkippedGops { get; init; } = 5;

    /// <summary>
    /// How long a DESCRIBE (or ANNOUNCE) may wait for its path to open: an idle stream starting, its first format.
    /// Shorter than clients' own timeouts (ffmpeg's default is 5 s per read, Frigate passes 10 s), so they hear why.
    /// </summary>
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(4.5);

    /// <summary>The server's UDP RTP port (even; RTCP is the next one); 0 picks a free pair; null serves TCP only.</summary>
    public int? UdpRtpPort { get; init; }

    /// <summary>How long a Digest nonce the server issued is accepted.</summary>
    public TimeSpan NonceLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Kernel send buffer per client, so a client that stops reading is noticed after kilobytes, not megabytes.</summary>
    public int SocketSendBufferBytes { get; init; } = 256 * 1024;

    /// <summary>Returns one message per invalid option; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxConnections is < 1 or > 100_000)
        {
            errors.Add($"MaxConnections must be 1..100000, got {MaxConnections}.");
        }
        if (MaxRequestBytes is < 512 or > 1024 * 1024)
        {
            errors.Add($"MaxRequestBytes must be 512..1048576, got {MaxRequestBytes}.");
        }
        if (MaxHeaderCount is < 8 or > 1000)
        {
            errors.Add($"MaxHeaderCount must be 8..1000, got {MaxHeaderCount}.");
        }
        if (RequestTimeout < TimeSpan.FromMilliseconds(100) || SendTimeout < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"RequestTimeout and SendTimeout must be at least 100 ms, got {RequestTimeout} and {SendTimeout}.");
        }
        if (SessionTimeout < TimeSpan.FromSeconds(1) || SessionTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"SessionTimeout must be 1 s..1 h, got {SessionTimeout}.");
        }
        if (QueueFrames is < 1 or > 10_000)
        {
            errors.Add($"QueueFrames must be 1..10000, got {QueueFrames}.");
        }
        if (MaxSkippedGops < 1)
        {
            errors.Add($"MaxSkippedGops must be at least 1, got {MaxSkippedGops}.");
        }
        if (OpenTimeout < TimeSpan.FromMilliseconds(100) || OpenTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"OpenTimeout must be 100 ms..1 min, got {OpenTimeout}.");
        }
        if (UdpRtpPort is { } udp && (udp < 0 || udp > 65534 || udp % 2 != 0))
        {
            errors.Add($"UdpRtpPort must be 0 or an even port below 65535, got {udp}.");
        }
        if (NonceLifetime < TimeSpan.FromSeconds(10))
        {
            errors.Add($"NonceLifetime must be at least 10 s, got {NonceLifetime}.");
        }
        if (SocketSendBufferBytes is < 4096 or > 64 * 1024 * 1024)
        {
            errors.Add($"SocketSendBufferBytes must be 4096..67108864, got {SocketSendBufferBytes}.");
        }
        return errors;
    }
}
