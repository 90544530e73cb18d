namespace LiveMux.Rtsp.Client;

/// <summary>
/// A point-in-time copy of a playing session's reception counters (<see cref="RtspPlaySession.GetStats"/>).
/// Safe to read from any thread; take a new one to see new numbers.
/// </summary>
/// <param name="Transport">Tcp or Udp: what the session really uses (never Auto).</param>
/// <param name="FallbackReason">Why Auto fell back from UDP to TCP; null when it did not.</param>
/// <param name="GarbagePackets">UDP datagrams that were not RTP/RTCP for a track, dropped.</param>
/// <param name="ForeignPackets">UDP datagrams from another address than the camera's, dropped.</param>
/// <param name="QueueOverflows">UDP datagrams dropped because the session loop fell behind.</param>
/// <param name="ReceiverReportsSent">RTCP receiver reports sent to the camera (UDP only).</param>
/// <param name="KeyframeRequestsSent">RTCP PLIs sent after a loss in a video track (UDP only).</param>
public sealed record RtspSessionStats(
    RtspTransport Transport,
    string? FallbackReason,
    IReadOnlyList<RtpTrackStats> Tracks,
    long GarbagePackets,
    long ForeignPackets,
    long QueueOverflows,
    long ReceiverReportsSent,
    long KeyframeRequestsSent = 0);

/// <summary>One track's RTP reception (RFC 3550 appendix A definitions).</summary>
/// <param name="PacketsReceived">RTP packets counted, including late ones.</param>
/// <param name="PacketsExpected">Extended highest sequence number - first sequence number + 1.</param>
/// <param name="PacketsLost">Cumulative lost: expected - received (negative with duplicates).</param>
/// <param name="PacketsReordered">Arrived after a higher sequence number (UDP: put back in order by the reorder buffer).</param>
/// <param name="PacketsLate">UDP: arrived after their gap had been given up (or duplicates); dropped.</param>
/// <param name="PacketsSkipped">UDP: sequence numbers the reorder buffer gave up waiting for.</param>
/// <param name="JitterMilliseconds">Interarrival jitter (RFC 3550 section 6.4.1) in milliseconds.</param>
public sealed record RtpTrackStats(
    int TrackIndex,
    long PacketsReceived,
    long PacketsExpected,
    long PacketsLost,
    long PacketsReordered,
    long PacketsLate,
    long PacketsSkipped,
    double JitterMilliseconds)
{
    /// <summary>Lost / expected, 0 when nothing was expected yet.</summary>
    public double LossRatio => PacketsExpected <= 0 ? 0 : Math.Max(0, PacketsLost) / (double)PacketsExpected;
}
