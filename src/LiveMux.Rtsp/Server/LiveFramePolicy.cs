namespace LiveMux.Rtsp.Server;

internal enum LiveDecision
{
    /// <summary>Queue the frame.</summary>
    Send,

    /// <summary>Drop it: the session has not reached a keyframe yet (starting, or catching up after a skip).</summary>
    Wait,

    /// <summary>Drop it: the queue is full; the track skips to its next keyframe.</summary>
    Skip,

    /// <summary>Drop it and close the client: it skipped in too many GOPs in a row.</summary>
    Disconnect,
}

/// <summary>
/// The live policy of ARCHITECTURE.md for one track of one session: a bounded queue; when it is full, whole frames
/// are skipped up to the next keyframe (never a packet inside a GOP); a client that skips in
/// <c>maxSkippedGops</c> GOPs in a row cannot keep up and is closed. A session starts each track at a keyframe.
/// </summary>
internal struct LiveFramePolicy
{
    private bool _started;
    private bool _skipping;
    private int _skippedGops;

    public long Skipped { get; private set; }

    /// <summary>GOPs in a row in which frames were skipped.</summary>
    public readonly int SkippedGops => _skippedGops;

    public LiveDecision Decide(bool isKeyframe, bool queueFull, int maxSkippedGops)
    {
        if (queueFull)
        {
            if (!_started)
            {
                return LiveDecision.Wait;
            }
            if (!_skipping || isKeyframe)
            {
                // A new skip, or a keyframe that could not start the next GOP either: one more GOP lost frames.
                _skipping = true;
                _skippedGops++;
            }
            Skipped++;
            return _skippedGops >= maxSkippedGops ? LiveDecision.Disconnect : LiveDecision.Skip;
        }
        if (!isKeyframe && (!_started || _skipping))
        {
            if (_skipping)
            {
                Skipped++;
            }
            return LiveDecision.Wait;
        }
        if (isKeyframe)
        {
            if (_started && !_skipping)
            {
                _skippedGops = 0; // the GOP before this keyframe went through whole
            }
            _started = true;
            _skipping = false;
        }
        return LiveDecision.Send;
    }
}
