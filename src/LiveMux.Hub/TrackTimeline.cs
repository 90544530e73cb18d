namespace LiveMux.Hub;

/// <summary>
/// Maps a track's unwrapped RTP time onto a continuous output timeline. MSE stalls on a gap in decode
/// time, and a reconnected camera starts from a random RTP timestamp, so every new upstream session (and
/// any jump the camera makes) continues exactly where the last frame ended. Each frame is sent at once,
/// with the previous frame interval as its duration: waiting for the next frame would cost one interval.
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

    public (ulong Dts, uint Duration) Next(long timestamp, int defaultDuration, long maxJump)
    {
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
        return ((ulong)dts, (uint)_lastDuration);
    }
}
