namespace LiveMux.Rtsp.Client;

/// <summary>
/// Keeps the RTSP session alive (RFC 2326 section 12.37, RFC 7826 section 18.49): a request on the control connection
/// every half session timeout, GET_PARAMETER when the server supports it, else OPTIONS.
/// <code>
///   start ---- interval ---- due: send, next = now + interval ---- interval ---- due ...
/// </code>
/// Remembers the CSeq of the last one so its answer is told apart from unexpected responses. Loop only; no locks.
/// </summary>
internal sealed class Keepalive(string method, TimeSpan interval, long start, TimeProvider time)
{
    private long _lastSentAt = start;

    public string Method { get; } = method;
    public TimeSpan Interval { get; } = interval;

    /// <summary>The CSeq of the last keepalive sent; -1 before the first.</summary>
    public int CSeq { get; private set; } = -1;

    public bool IsDue(long now) => time.GetElapsedTime(_lastSentAt, now) >= Interval;

    public void Sent(int cseq, long now)
    {
        CSeq = cseq;
        _lastSentAt = now;
    }
}
