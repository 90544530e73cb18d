namespace LiveMux.Media.Rtp;

/// <summary>
/// Extends 32-bit RTP timestamps to 64 bits. The first timestamp is random (RFC 3550 5.1), so the wrap can
/// come at any minute; each step is taken as the signed 32-bit difference from the previous timestamp,
/// which also keeps B-frame timestamps that go backwards correct.
/// </summary>
public struct TimestampUnwrapper
{
    private bool _started;
    private uint _last;
    private long _current;

    public long Unwrap(uint timestamp)
    {
        if (!_started)
        {
            _started = true;
            _last = timestamp;
            _current = timestamp;
            return _current;
        }

        _current += unchecked((int)(timestamp - _last));
        _last = timestamp;
        return _current;
    }

    public void Reset() => this = default;
}
