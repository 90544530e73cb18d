namespace LiveMux.Rtsp.Client;

/// <summary>What other threads ask of a play session's loop; posted to its bounded inbox, handled in order on the loop.</summary>
internal readonly record struct PlaySessionCommand(PlaySessionCommandKind Kind, int Track = -1)
{
    public static PlaySessionCommand Tick { get; } = new(PlaySessionCommandKind.Tick);
    public static PlaySessionCommand Stop { get; } = new(PlaySessionCommandKind.Stop);
}

internal enum PlaySessionCommandKind
{
    /// <summary>The timer: look at what is due (reorder gaps, receiver reports, media watchdog, keepalive).</summary>
    Tick,

    /// <summary>Ask the camera for a keyframe on <see cref="PlaySessionCommand.Track"/> (UDP: RTCP PLI, paced).</summary>
    RequestKeyframe,

    /// <summary>Cancellation or dispose: leave the loop.</summary>
    Stop,
}
