using LiveMux.Hub;
using LiveMux.Hub.Distribution;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;

namespace LiveMux.Server.Egress.Snapshot;

/// <summary>
/// The video of a stream from its cached keyframe up to its newest sample, as one elementary stream: a one-shot
/// subscription's join burst is exactly that, queued before <see cref="LiveStream.Subscribe"/> returns. The next
/// video frame is taken too when it comes within about a frame interval, so the picture is at most about one frame
/// older than the request rather than up to two. A stream without a cached GOP (idle, just started) gives its
/// first keyframe instead, once it comes.
/// </summary>
internal static class CurrentGop
{
    /// <summary>The GOP, or null with the reason (and the HTTP status to give) when there is no picture.</summary>
    public static async Task<(ElementaryStream? Video, SnapshotResult? Failure)> ReadAsync(LiveStream stream, TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        var ct = wait.Token;
        // Unlimited frames: the join burst is bounded by the GOP cache's byte limit, and this reader stops at its end.
        var limits = new ViewerQueueOptions { MaxQueuedFrames = int.MaxValue, MaxQueuedBytes = int.MaxValue };
        // Frames after the burst: enough for the next video frame between audio frames; this reader stops there.
        using var subscription = stream.Subscribe(SubscriptionPolicy.OneShot, limits, oneShotFrames: 16);
        var burst = subscription.QueuedFrames;
        var read = 0;
        var videoTrack = -1;
        var burstFrames = -1;
        var frameInterval = TimeSpan.Zero;
        ElementaryStream? video = null;
        string? status = null;
        CancellationTokenSource? next = null;
        try
        {
            while (await subscription.ReadAsync(next?.Token ?? ct).ConfigureAwait(false) is { } item)
            {
                if (item.Format is { } format)
                {
                    (videoTrack, video, var failure) = Start(format);
                    frameInterval = format.Video?.FrameRate is > 0 and var fps ? TimeSpan.FromSeconds(1 / fps) : TimeSpan.Zero;
                    if (failure is not null)
                    {
                        return (null, failure);
                    }

                    continue;
                }

                if (item.Event is { } e)
                {
                    status = e.State == StreamState.Reconnecting ? e.Reason : null;
                    continue;
                }

                if (item.Frame is not { } frame)
                {
                    continue;
                }

                read++;
                try
                {
                    if (item.Track == videoTrack && video is not null && (video.Frames > 0 || item.StartsGop))
                    {
                        video.Append(frame.Data);
                    }
                }
                finally
                {
                    frame.Release();
                }

                if (video is not { Frames: > 0 } || read < burst)
                {
                    continue;
                }

                // Without a burst, the first keyframe; else the burst and the next video frame: done.
                if (burst == 0 || (burstFrames >= 0 && video.Frames > burstFrames))
                {
                    return (video, null);
                }

                if (burstFrames < 0)
                {
                    // The burst is read (everything up to the request): the next frame is due within a frame interval.
                    burstFrames = video.Frames;
                    next = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    next.CancelAfter(NextFrameWait(frameInterval));
                }
            }
        }
        catch (OperationCanceledException) when (next?.IsCancellationRequested == true && !ct.IsCancellationRequested)
        {
            // No frame in time (a stalled or slow camera): the burst is the newest picture there is.
            return (video, null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return (null, SnapshotResult.Unavailable(status ?? stream.LastViewerError ?? $"no picture from the camera within {timeout.TotalSeconds:0.#} s"));
        }
        finally
        {
            next?.Dispose();
        }

        return video is { Frames: > 0 }
            ? (video, null)
            : (null, SnapshotResult.Unavailable(status ?? subscription.CloseReason ?? stream.LastViewerError ?? "stream ended"));
    }

    /// <summary>A frame interval and a half, 20 to 100 ms; 50 ms when the frame rate is unknown.</summary>
    private static TimeSpan NextFrameWait(TimeSpan frameInterval) =>
        frameInterval <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(50)
            : TimeSpan.FromMilliseconds(Math.Clamp(frameInterval.TotalMilliseconds * 1.5, 20, 100));

    private static (int Track, ElementaryStream? Video, SnapshotResult? Failure) Start(StreamFormat format)
    {
        for (var i = 0; i < format.Tracks.Count; i++)
        {
            if (format.Tracks[i].Kind != TrackKind.Video)
            {
                continue;
            }

            var video = ElementaryStream.For(format.Tracks[i], out var reason);
            return video is null
                ? (-1, null, new SnapshotResult(null, StatusCodes.Status415UnsupportedMediaType, reason))
                : (i, video, null);
        }

        return (-1, null, new SnapshotResult(null, StatusCodes.Status415UnsupportedMediaType, "the stream has no video"));
    }
}
