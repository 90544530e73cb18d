namespace LiveMux.Hub.Sources.Demo;

/// <summary>Options of the in-process demo RTSP server. Defaults suit <c>dotnet run</c> on a bare machine.</summary>
public sealed record DemoRtspServerOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks an ephemeral port.</summary>
    public int Port { get; init; }

    /// <summary>Path of the stream, e.g. rtsp://127.0.0.1:port/demo.</summary>
    public string Path { get; init; } = "/demo";

    /// <summary>Connections beyond this many are answered 503 and closed.</summary>
    public int MaxSessions { get; init; } = 16;

    /// <summary>Hard limit of one request (headers and body); a bigger one closes the connection.</summary>
    public int MaxRequestBytes { get; init; } = 8 * 1024;

    /// <summary>Announced in the Session header; a client silent for this long is disconnected.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Frames queued for one client's socket; beyond it frames are dropped until the next IDR.</summary>
    public int SendQueueFrames { get; init; } = 30;

    /// <summary>A client that accepts no frame for this long is disconnected.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Kernel send buffer per client, so a stalled client is noticed in seconds, not minutes.</summary>
    public int SocketSendBufferBytes { get; init; } = 64 * 1024;

    /// <summary>RTP payload budget (RFC 6184 FU-A above it).</summary>
    public int MaxRtpPayloadBytes { get; init; } = 1200;

    /// <summary>Returns one message per invalid option; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > 65535)
        {
            errors.Add($"Port must be 0..65535, got {Port}.");
        }

        if (string.IsNullOrEmpty(Path) || Path[0] != '/' || Path.Length > 1 && Path[^1] == '/' || Path.Any(char.IsWhiteSpace))
        {
            errors.Add($"Path must start with '/', not end with '/', and hold no whitespace, got '{Path}'.");
        }

        if (MaxSessions < 1)
        {
            errors.Add($"MaxSessions must be at least 1, got {MaxSessions}.");
        }

        if (MaxRequestBytes is < 512 or > 1024 * 1024)
        {
            errors.Add($"MaxRequestBytes must be 512..1048576, got {MaxRequestBytes}.");
        }

        if (SessionTimeout < TimeSpan.FromSeconds(1) || StallTimeout < TimeSpan.FromMilliseconds(100))
        {
            errors.Add("SessionTimeout must be at least 1 s and StallTimeout at least 100 ms.");
        }

        if (SendQueueFrames < 1 || SocketSendBufferBytes < 4096)
        {
            errors.Add("SendQueueFrames must be at least 1 and SocketSendBufferBytes at least 4096.");
        }

        if (MaxRtpPayloadBytes is < 100 or > 65_000)
        {
            errors.Add($"MaxRtpPayloadBytes must be 100..65000, got {MaxRtpPayloadBytes}.");
        }

        return errors;
    }
}
