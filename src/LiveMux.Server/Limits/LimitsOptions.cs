namespace LiveMux.Server.Limits;

/// <summary>
/// <c>LiveMux:Limits</c>: how much the whole server, one client address and one stream may hold. The defaults
/// leave room for the benchmarks (500 WebSocket viewers of one stream from one loopback address, arriving at
/// 500 per second) and the fault suite (1000 viewers of one stream, as behind one NAT, dropped and rejoining,
/// plus its watchers), and bound what a flood of sockets can take: file descriptors, memory and fan-out work.
/// </summary>
public sealed record LimitsOptions
{
    public const string Section = "LiveMux:Limits";

    /// <summary>
    /// Kestrel's MaxConcurrentConnections: open HTTP connections (pages, the API, <c>stream.mp4</c> viewers,
    /// WebSocket requests not yet upgraded). Kestrel closes a connection over the limit at once and logs it.
    /// </summary>
    public int MaxConnections { get; init; } = 2000;

    /// <summary>Kestrel's MaxConcurrentUpgradedConnections: open WebSockets, which no longer count as connections.</summary>
    public int MaxUpgradedConnections { get; init; } = 5000;

    /// <summary>
    /// WebSockets from one client address (an IPv6 /64) accepted but still waiting for their codec list. A
    /// browser sends it as the socket opens; a socket that does not holds its slot for HandshakeTimeout.
    /// </summary>
    public int MaxPendingHandshakesPerAddress { get; init; } = 256;

    /// <summary>Viewers of one stream: WebSocket and <c>stream.mp4</c> viewers, counted on the stream they asked for.</summary>
    public int MaxViewers { get; init; } = 2000;
}
