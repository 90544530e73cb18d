namespace LiveMux.Hub;

/// <summary>How a source receives its media packets, as the API and the metrics name it.</summary>
public enum ReceptionTransport
{
    Tcp,
    Udp,
}

/// <summary>
/// A point-in-time copy of a source session's packet reception, in the hub's own words: the RTSP source fills it
/// from its RTP session, so the API and the metrics read it without knowing which protocol the camera speaks.
/// </summary>
/// <param name="Transport">What the session really uses.</param>
/// <param name="FallbackReason">Why the session fell back from UDP to TCP; null when it did not.</param>
/// <param name="GarbagePackets">Datagrams that were not media or control packets for a track, dropped.</param>
/// <param name="ForeignPackets">Datagrams from another address than the camera's, dropped.</param>
/// <param name="QueueOverflows">Datagrams dropped because the session loop fell behind.</param>
/// <param name="ReceiverReportsSent">Receiver reports sent to the camera.</param>
/// <param name="KeyframeRequestsSent">Keyframe requests sent after a loss in a video track.</param>
public sealed record ReceptionStats(
    ReceptionTransport Transport,
    string? FallbackReason,
    IReadOnlyList<TrackReceptionStats> Tracks,
    long GarbagePackets,
    long ForeignPackets,
    long QueueOverflows,
    long ReceiverReportsSent,
    long KeyframeRequestsSent);

/// <summary>One track's packet reception (the RFC 3550 appendix A counters).</summary>
/// <param name="PacketsReceived">Packets counted, including late ones.</param>
/// <param name="PacketsExpected">Highest sequence number - first sequence number + 1.</param>
/// <param name="PacketsLost">Cumulative lost: expected - received (negative with duplicates).</param>
/// <param name="PacketsReordered">Arrived after a higher sequence number.</param>
/// <param name="PacketsLate">Arrived after their gap had been given up (or duplicates); dropped.</param>
/// <param name="PacketsSkipped">Sequence numbers given up waiting for.</param>
/// <param name="JitterMilliseconds">Interarrival jitter in milliseconds.</param>
public sealed record TrackReceptionStats(
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
