namespace LiveMux.Hub.Timeline;

/// <summary>
/// Maps a track's unwrapped RTP time onto a continuous output timeline. MSE stalls on a gap in decode
/// time, and a reconnected camera starts from a random RTP timestamp, so every new upstream session (and
/// any jump the camera makes) continues where the last frame ended, or where the stream's other track
/// says it must start (<see cref="TryNext"/>'s <c>startAt</c>) for the two to stay in sync. Each frame is
/// sent at once, with the previous frame interval as its duration: waiting for the next frame would cost
/// one interval.
/// The timeline is the decode timeline (MSE's gap rule is about decode time); with B-frames the
/// presentation time rides along as the composition offset PTS - DTS, which the shift leaves unchanged.
/// </summary>
internal struct TrackTimeline
{
    private bool _started;
    private bool _realigning;
    private bool _shiftPending;
    private long _offset;
    private long _lastDts;
    private long _lastDuration;
    private long _end;

    /// <summary>Where the next frame would start if it continued the last one without a gap.</summary>
    public readonly long End => _end;

    /// <summary>The current segment has placed a frame since the last <see cref="Rebase"/>.</summary>
    public readonly bool Started => _started;

    public readonly long LastDts => _lastDts;

    /// <summary>A <see cref="Shift"/> has not reached a placed frame yet, so <see cref="LastDts"/> predates it.</summary>
    public readonly bool ShiftPending => _shiftPending;

    /// <summary>The next timestamp begins a new segment that continues from the end of the last one.</summary>
    public void Rebase()
    {
        _started = false;
        _realigning = false;
        _shiftPending = false;
    }

    /// <summary>The track's timescale changed (another codec after a reconnect): keep the end at the same time in seconds.</summary>
    public void Rescale(int from, int to)
    {
        if (from <= 0 || to <= 0 || from == to)
        {
            return;
        }

        _end = (long)Math.Round(_end * (double)to / from);
        _lastDts = (long)Math.Round(_lastDts * (double)to / from);
        _lastDuration = Math.Max(1, (long)Math.Round(_lastDuration * (double)to / from));
        Rebase();
    }

    /// <summary>
    /// Moves the rest of the segment by <paramref name="ticks"/> (lip sync from sender reports). Forward
    /// leaves a gap of that size; backward drops the frames that would land before <see cref="End"/>,
    /// so decode time never goes back.
    /// </summary>
    public void Shift(long ticks)
    {
        if (!_started || ticks == 0)
        {
            return;
        }

        _offset += ticks;
        _realigning = ticks < 0;
        _shiftPending = true;
    }

    /// <summary>PTS - DTS, clamped to what trun v1 carries; the timeline's shifts move both alike.</summary>
    public static int CompositionOffset(long decodeTimestamp, long presentationTimestamp) =>
        (int)Math.Clamp(presentationTimestamp - decodeTimestamp, int.MinValue, int.MaxValue);

    /// <summary>
    /// Places one frame. <paramref name="startAt"/> is where a new segment should start (null: at
    /// <see cref="End"/>); a start before <see cref="End"/> by at most <paramref name="maxJump"/> is dropped
    /// when <paramref name="dropBeforeEnd"/> (audio that precedes what was sent), clamped to End otherwise.
    /// Returns false for a dropped frame.
    /// </summary>
    public bool TryNext(long timestamp, int defaultDuration, long maxJump, long? startAt, bool dropBeforeEnd, out ulong dts, out uint duration) =>
        TryNext(timestamp, defaultDuration, maxJump, startAt, dropBeforeEnd, closeGaps: false, out dts, out duration);

    /// <param name="closeGaps">
    /// A step of more than twice the last duration (frames lost upstream, the depacketizer skipped to the
    /// next IDR) continues at <see cref="End"/> instead: MSE would leave a hole in the buffered range and the
    /// player would stall at it. Only for a track that no other track must stay in sync with.
    /// </param>
    /// <param name="exactDuration">The frame's own length when the codec states it (audio), else 0.</param>
    public bool TryNext(long timestamp, int defaultDuration, long maxJump, long? startAt, bool dropBeforeEnd, bool closeGaps, out ulong dts, out uint duration, int exactDuration = 0)
    {
        if (_lastDuration <= 0)
        {
            _lastDuration = Math.Max(1, defaultDuration);
        }

        long placed;
        if (!_started)
        {
            var target = startAt ?? _end;
            if (target < _end)
            {
                if (dropBeforeEnd && _end - target <= maxJump)
                {
                    dts = 0;
                    duration = 0;
                    return false;
                }

                target = _end;
            }

            _started = true;
            _realigning = false;
            _offset = target - timestamp;
            placed = target;
        }
        else
        {
            placed = timestamp + _offset;
            var step = placed - _lastDts;
            if (_realigning)
            {
                if (placed < _end && _end - placed <= maxJump)
                {
                    dts = 0;
                    duration = 0;
                    return false;
                }

                _realigning = false;
            }

            if (step <= 0 || step > maxJump || (closeGaps && step > 2 * _lastDuration))
            {
                _offset = _end - timestamp;
                placed = _end;
            }
            else if (!_shiftPending)
            {
                // After a shift the step holds the shift too: no measure of a frame's length.
                _lastDuration = step;
            }
        }

        if (exactDuration > 0)
        {
            _lastDuration = exactDuration;
        }

        _shiftPending = false;
        _lastDts = placed;
        _end = placed + _lastDuration;
        dts = (ulong)placed;
        duration = (uint)_lastDuration;
        return true;
    }
}
