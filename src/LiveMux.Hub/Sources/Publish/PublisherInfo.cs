namespace LiveMux.Hub.Sources.Publish;

/// <summary>The publisher connected to a publish stream, for the API and the log.</summary>
/// <param name="Address">Its remote address (ip:port).</param>
/// <param name="Transport">"tcp" or "udp" once it records; null between ANNOUNCE and RECORD.</param>
/// <param name="Since">When it announced.</param>
public sealed record PublisherInfo(string Address, string? Transport, DateTimeOffset Since);
