using LiveMux.Rtsp.Rtp;

namespace LiveMux.Rtsp.Client;

/// <summary>
/// What the session knows about one track's incoming RTP: RFC 3550 statistics, the reorder buffer (UDP only) and
/// the last sender report (for the LSR/DLSR of receiver reports). Only the session loop writes it.
/// <see cref="Snapshot"/> is called from any thread: the loop brackets each change with <see cref="BeginUpdate"/> and
/// <see cref="EndUpdate"/> (a sequence lock: odd while writing), and a reader retries until it has read between two
/// changes, so loss (expected - received) is never read half updated. The writer never waits, and nothing allocates.
/// </summary>
internal sealed class TrackReception(int trackIndex, int clockRate, RtpReorderBuffer? reorder)
{
    private int _version;

    public RtpReceptionStats Stats { get; } = new();
    public RtpReorderBuffer? Reorder { get; } = reorder;
    public int ClockRate { get; } = clockRate <= 0 ? 90000 : clockRate;
    public uint LastSenderReportMiddle { get; set; }
    public long LastSenderReportAt { get; set; } = -1;

    /// <summary>Loop only: before changing <see cref="Stats"/> or <see cref="Reorder"/>.</summary>
    public void BeginUpdate() => Interlocked.Increment(ref _version);

    /// <summary>Loop only: after the change; publishes it.</summary>
    public void EndUpdate() => Volatile.Write(ref _version, _version + 1);

    /// <summary>Arrival time in the track's clock units, for the jitter (RFC 3550 A.8).</summary>
    public double ArrivalClock(long timestamp, long frequency) => (double)timestamp / frequency * ClockRate;

    /// <summary>Loop only: counts one packet of a TCP session (no reordering there).</summary>
    public void Count(ushort seq, uint rtpTimestamp, uint ssrc, long now, long frequency)
    {
        BeginUpdate();
        Stats.Update(ssrc, seq, rtpTimestamp, ArrivalClock(now, frequency));
        EndUpdate();
    }

    public RtpTrackStats Snapshot()
    {
        var spin = new SpinWait();
        while (true)
        {
            var before = Volatile.Read(ref _version);
            if ((before & 1) == 0)
            {
                var stats = Read();
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _version) == before)
                {
                    return stats;
                }
            }
            spin.SpinOnce();
        }
    }

    private RtpTrackStats Read() => new(
        trackIndex,
        Stats.Received,
        Stats.Expected,
        Stats.CumulativeLost,
        Reorder?.Reordered ?? Stats.Misordered,
        Reorder is null ? 0 : Reorder.Late + Reorder.Duplicates,
        Reorder?.Skipped ?? 0,
        Stats.Jitter * 1000.0 / ClockRate);
}
