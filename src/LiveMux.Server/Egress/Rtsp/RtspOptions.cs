namespace LiveMux.Server.Egress.Rtsp;

/// <summary>
/// <c>LiveMux:Rtsp</c>: the RTSP server that serves every stream at <c>rtsp://HOST:Port/&lt;name&gt;</c> to readers
/// (NVRs, Frigate, VLC, ffmpeg) and takes publishers on publish streams.
/// </summary>
public sealed record RtspOptions
{
    public const string Section = "LiveMux:Rtsp";

    /// <summary>TCP port; 0 turns the RTSP server off.</summary>
    public int Port { get; init; } = 8554;

    /// <summary>The address to listen on; empty: the interfaces the HTTP server listens on (loopback, or all).</summary>
    public string? Address { get; init; }

    /// <summary>UDP RTP port of the server's pair (even; RTCP is the next one); 0 picks a free pair; -1 serves TCP only.</summary>
    public int UdpPort { get; init; } = 8000;

    /// <summary>Open RTSP connections, readers and publishers together; more get 503.</summary>
    public int MaxConnections { get; init; } = 200;

    /// <summary>A client that sends nothing (no request, keepalive or RTCP) this long is closed.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    internal static void Validate(List<string> errors, RtspOptions options)
    {
        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"{Section}:Port must be 0 (off) to 65535, got {options.Port}.");
        }

        if (!string.IsNullOrEmpty(options.Address) && !System.Net.IPAddress.TryParse(options.Address, out _))
        {
            errors.Add($"{Section}:Address must be an IP address (or empty for the HTTP server's interfaces), got '{options.Address}'.");
        }

        if (options.UdpPort != -1 && (options.UdpPort is < 0 or > 65534 || options.UdpPort % 2 != 0))
        {
            errors.Add($"{Section}:UdpPort must be an even port, 0 (any free pair) or -1 (TCP only), got {options.UdpPort}.");
        }

        if (options.MaxConnections is < 1 or > 100_000)
        {
            errors.Add($"{Section}:MaxConnections must be 1..100000, got {options.MaxConnections}.");
        }

        if (options.SessionTimeout < TimeSpan.FromSeconds(5) || options.SessionTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"{Section}:SessionTimeout must be 5 s..1 h, got {options.SessionTimeout}.");
        }
    }
}
