namespace LiveMux.Hub;

/// <summary>
/// A state change consumers are told about: <see cref="StreamState.Reconnecting"/> with the viewers' reason, or
/// <see cref="StreamState.Live"/> again. Each egress says it in its own protocol (the WebSocket as a JSON status).
/// </summary>
public sealed record StreamEvent(StreamState State, string? Reason = null);
