namespace LiveMux.Hub;

/// <summary>
/// Maps a track's unwrapped RTP time onto a continuous output timeline. MSE stalls on a gap in decode
/// time, and a reconnected camera starts from a random RTP timestamp, so every new upstream session (and
/// any jump the camera makes) continues exactly where the last frame ended. Each frame is sent at once,
/// with the previous frame interval as its duration: waiting for the next frame would cost one interval.
/// The timeline is the decode timeline (MSE's gap rule is about decode time); with B-frames the
/// presentation time rides along as the composition offset PTS - DTS, which the shift leaves unchanged.
/// </summary>
internal struct TrackTimeline
{
    private bool _started;
    private long _offset;
    private long _lastDts;
    private long _lastDuration;
    private long _end;

    /// <summary>The next timestamp begins a new segment that continues from the end of the last one.</summary>
    public void Rebase() => _started = false;

    /// <summary>For a track whose decode and presentation times are the same.</summary>
    public (ulong Dts, uint Duration) Next(long timestamp, int defaultDuration, long maxJump)
    {
        var (dts, duration, _) = Next(timestamp, timestamp, defaultDuration, maxJump);
        return (dts, duration);
    }

    /// <summary>
    /// Places a frame by its decode time; returns its output decode time, its duration (the previous decode
    /// interval) and its composition offset, PTS - DTS, clamped to what trun v1 carries.
    /// </summary>
    public (ulong Dts, uint Duration, int CompositionOffset) Next(long decodeTimestamp, long presentationTimestamp, int defaultDuration, long maxJump)
    {
        var compositionOffset = (int)Math.Clamp(presentationTimestamp - decodeTimestamp, int.MinValue, int.MaxValue);
        var timestamp = decodeTimestamp;
        if (_lastDuration <= 0)
        {
            _lastDuration = defaultDuration;
        }

        var dts = timestamp + _offset;
        if (!_started || dts - _lastDts <= 0 || dts - _lastDts > maxJump)
        {
            _started = true;
            _offset = _end - timestamp;
            dts = _end;
        }
        else
        {
            _lastDuration = dts - _lastDts;
        }

        _lastDts = dts;
        _end = dts + _lastDuration;
        return ((ulong)dts, (uint)_lastDuration, compositionOffset);
    }
}
