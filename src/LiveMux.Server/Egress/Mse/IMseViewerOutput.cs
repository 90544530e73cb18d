using LiveMux.Hub;

namespace LiveMux.Server.Egress.Mse;

/// <summary>Where <see cref="MseViewerLoop"/> writes one viewer's stream: a WebSocket (go2rtc's protocol) or an HTTP body.</summary>
internal interface IMseViewerOutput
{
    /// <summary>
    /// The stream's state changed; <paramref name="beforeFirstInit"/> when nothing has played yet, so the
    /// viewer may be told why in the form its player shows.
    /// </summary>
    ValueTask StatusAsync(StreamEvent e, bool beforeFirstInit, CancellationToken ct);

    /// <summary>
    /// This viewer's init segment for <paramref name="format"/>, whose timeline starts at
    /// <paramref name="originSeconds"/> of the stream's. False when the output cannot take another (a file holds
    /// one moov), which ends the loop.
    /// </summary>
    ValueTask<bool> InitAsync(StreamFormat format, double originSeconds, CancellationToken ct);

    /// <summary>One fragment, written as one message: its header, then its payload (the shared sample's bytes).</summary>
    ValueTask FragmentAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload, CancellationToken ct);

    /// <summary>The loop ends for <paramref name="reason"/>, which the viewer should hear where it can.</summary>
    ValueTask EndAsync(string reason, CancellationToken ct);
}
