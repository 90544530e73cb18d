namespace LiveMux.Rtsp.Rtp;

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
