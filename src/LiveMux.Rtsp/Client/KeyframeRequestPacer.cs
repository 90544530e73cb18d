namespace LiveMux.Rtsp.Client;

/// <summary>
/// When to send one video track's keyframe request (RTCP PLI). The depacketizer drops a video track's frames from a
/// loss to the next keyframe, which may be a whole GOP away (two when the keyframe itself lost a packet): a PLI brings
/// it now from cameras that honour it.
/// <code>
///   loss seen (reorder skips grew) or asked for --> interval since the last PLI over? --yes--> send, remember when
///                                                                                   --no---> hold: ask again later
/// </code>
/// A loss inside the minimum interval (the requested keyframe itself may be the one hit) is asked for when the
/// interval is over, not forgotten. Loop only; no locks.
/// </summary>
internal sealed class KeyframeRequestPacer(TimeSpan minInterval, TimeProvider time)
{
    private long _skipsSeen;
    private long _lastSentAt = -1;
    private bool _pending;

    /// <summary>A request is waiting for the interval to end.</summary>
    public bool Pending => _pending;

    /// <summary>Asks for a keyframe regardless of loss (a viewer needs one).</summary>
    public void Request() => _pending = true;

    /// <summary>
    /// True when a request is due at <paramref name="now"/>: the reorder buffer gave up more packets since the last
    /// call (when <paramref name="onLoss"/>) or a request is pending, and the minimum interval has passed. When it is
    /// not over yet the request stays pending. The caller then sends, and reports it with <see cref="Sent"/>.
    /// </summary>
    public bool IsDue(long skipped, bool onLoss, long now)
    {
        var lost = onLoss && skipped != _skipsSeen;
        _skipsSeen = skipped;
        if (!lost && !_pending)
        {
            return false;
        }
        if (_lastSentAt >= 0 && time.GetElapsedTime(_lastSentAt, now) < minInterval)
        {
            _pending = true;
            return false;
        }
        _pending = false;
        return true;
    }

    public void Sent(long now) => _lastSentAt = now;
}
