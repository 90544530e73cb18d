using LiveMux.Hub;
using LiveMux.Hub.Distribution;

namespace LiveMux.Server.Egress.Mse;

/// <summary>
/// One MSE viewer's loop, the same for the WebSocket, <c>stream.mp4</c> and a transcode companion taking over:
/// it reads the viewer's subscription and writes through an <see cref="IMseViewerOutput"/>.
/// <para>
/// The init segment waits for the first fragment: that fragment's presentation time becomes this viewer's time
/// origin, written into its own init as an edit list, so the viewer's timeline starts at 0 whatever the stream's
/// age. Players that never seek (go2rtc's) need that. Fragments stay shared; only the small init is per viewer,
/// and it is built only for a viewer that uses it. A viewer whose browser cannot play the audio gets an init
/// without it and none of its fragments (<see cref="ViewerTracks"/>).
/// </para>
/// </summary>
internal static class MseViewerLoop
{
    /// <summary>
    /// Runs until the subscription or the viewer ends. Returns why, and the stream's H.264 companion when the
    /// viewer cannot play the video and nothing has been sent yet, for the caller to start again with it.
    /// </summary>
    public static async Task<(string Reason, LiveStream? Fallback)> RunAsync(IMseViewerOutput output, LiveStream stream, Subscription<Fragment> subscription, CodecOffer? offer, ILogger logger, CancellationToken ct)
    {
        var started = false;
        ViewerTracks? tracks = null;
        StreamFormat? streamFormat = null;
        var initPending = false;
        double? originSeconds = null;
        using var abandoned = CancellationTokenSource.CreateLinkedTokenSource(ct, subscription.Abandoned);
        ct = abandoned.Token;
        try
        {
            while (await subscription.ReadAsync(ct) is { } item)
            {
                if (item.Event is { } e)
                {
                    await output.StatusAsync(e, !started, ct);
                    continue;
                }

                if (item.Format is { } format)
                {
                    var choice = ViewerTracks.Choose(offer, format);
                    if (choice.Refusal is { } refusal)
                    {
                        // Only the video can be refused (audio is left out instead): its H.264 transcode may take over.
                        if (!started && stream.Fallback is { } fallback)
                        {
                            return (refusal, fallback);
                        }

                        await output.EndAsync(refusal, ct);
                        return (refusal, null);
                    }

                    if (choice.LeftOut.Count > 0 && (tracks is null || !tracks.LeftOut.SequenceEqual(choice.LeftOut)))
                    {
                        var leftOut = string.Join(", ", choice.LeftOut);
                        ServerLog.TracksLeftOut(logger, stream.Name, leftOut);
                    }

                    tracks = choice;
                    streamFormat = format;
                    initPending = true;
                    if (originSeconds is { } origin)
                    {
                        if (!await output.InitAsync(choice.Format, origin, ct))
                        {
                            return ("format changed", null);
                        }

                        initPending = false;
                    }

                    continue;
                }

                var fragment = item.Frame!;
                try
                {
                    if (tracks is null || streamFormat is null || !tracks.Includes(fragment.TrackIndex))
                    {
                        continue;
                    }

                    if (initPending)
                    {
                        // The first sample shown, not decoded: with B-frames it is shown a composition offset later.
                        originSeconds ??= Math.Max(0, fragment.PresentationTime) / (double)streamFormat.Tracks[fragment.TrackIndex].Timescale;
                        if (!await output.InitAsync(tracks.Format, originSeconds.Value, ct))
                        {
                            return ("format changed", null);
                        }

                        initPending = false;
                        started = true;
                    }

                    await output.FragmentAsync(fragment.Header, fragment.Payload, ct);
                    stream.Counters.CountSent(fragment.Length);
                }
                finally
                {
                    fragment.Release();
                }
            }

            var closed = subscription.CloseReason ?? "stream ended";
            await output.EndAsync(closed, ct);
            return (closed, null);
        }
        catch (OperationCanceledException) when (subscription.Abandoned.IsCancellationRequested)
        {
            // Disconnected for not reading: the cancelled write aborted the connection, nothing more can be said.
            return (subscription.CloseReason ?? "viewer not reading", null);
        }
        catch (OperationCanceledException)
        {
            return ("viewer left", null);
        }
    }
}
