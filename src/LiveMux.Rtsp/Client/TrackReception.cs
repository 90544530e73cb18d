using LiveMux.Rtsp.Rtp;

namespace LiveMux.Rtsp.Client;

/// <summary>
/// What the session knows about one track's incoming RTP: RFC 3550 statistics, the reorder buffer (UDP only) and
/// the last sender report (for the LSR/DLSR of receiver reports). Updated by the session loop; snapshots are taken
/// under <see cref="Sync"/> from other threads.
/// </summary>
internal sealed class TrackReception(int trackIndex, int clockRate, RtpReorderBuffer? reorder)
{
    public object Sync { get; } = new();
    public RtpReceptionStats Stats { get; } = new();
    public RtpReorderBuffer? Reorder { get; } = reorder;
    public int ClockRate { get; } = clockRate <= 0 ? 90000 : clockRate;
    public uint LastSenderReportMiddle { get; set; }
    public long LastSenderReportAt { get; set; } = -1;

    /// <summary>Reorder-buffer skips already answered with a keyframe request (loop only).</summary>
    public long SkipsSeen { get; set; }

    /// <summary>When the last keyframe request went out (loop only), -1 before the first.</summary>
    public long LastKeyframeRequestAt { get; set; } = -1;

    /// <summary>A loss came while requests were held back: ask again once the interval is over (loop only).</summary>
    public bool KeyframeRequestPending { get; set; }

    public RtpTrackStats Snapshot()
    {
        lock (Sync)
        {
            return new RtpTrackStats(
                trackIndex,
                Stats.Received,
                Stats.Expected,
                Stats.CumulativeLost,
                Reorder?.Reordered ?? Stats.Misordered,
                Reorder is null ? 0 : Reorder.Late + Reorder.Duplicates,
                Reorder?.Skipped ?? 0,
                Stats.Jitter * 1000.0 / ClockRate);
        }
    }
}
