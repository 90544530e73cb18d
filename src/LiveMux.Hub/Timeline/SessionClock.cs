using LiveMux.Media.Rtp;

namespace LiveMux.Hub.Timeline;

/// <summary>
/// Puts the tracks of one upstream session on one clock, in seconds. Each track's RTP clock starts at a
/// random value, so two tracks' timestamps say nothing about each other; RTCP sender reports (RFC 3550
/// §6.4.1) tie each RTP clock to the sender's wall clock:
/// <code>
///   wall(ts) = SR.ntp + (ts - SR.rtp) / clockRate          (both tracks have a report)
///   arrival(ts) = arrival(first) + (ts - first) / clockRate  (otherwise: when its first frame came)
/// </code>
/// Not thread-safe: one upstream session feeds it from its one loop.
/// </summary>
internal sealed class SessionClock(int trackCount)
{
    private readonly Track[] _tracks = Enumerable.Range(0, trackCount).Select(_ => new Track()).ToArray();

    public int TrackCount => _tracks.Length;

    public void OnFrame(int track, long timestamp, int clockRate, double arrivalSeconds)
    {
        if ((uint)track >= (uint)_tracks.Length)
        {
            return;
        }

        var t = _tracks[track];
        if (!t.HasFrame)
        {
            t.HasFrame = true;
            t.FirstTimestamp = timestamp;
            t.FirstArrival = arrivalSeconds;
        }

        t.ClockRate = clockRate;
    }

    public void OnSenderReport(int track, RtcpSenderReport report)
    {
        if ((uint)track < (uint)_tracks.Length)
        {
            _tracks[track].Report = report;
        }
    }

    /// <summary>Both (all) of these tracks have a sender report, so their wall clocks can be compared.</summary>
    public bool HasWallClock(ReadOnlySpan<int> tracks)
    {
        foreach (var t in tracks)
        {
            if ((uint)t >= (uint)_tracks.Length || _tracks[t].Report is null)
            {
                return false;
            }
        }

        return tracks.Length > 0;
    }

    /// <summary>The sender's wall-clock time of <paramref name="timestamp"/> in seconds, or null without a report.</summary>
    public double? WallSeconds(int track, long timestamp)
    {
        if ((uint)track >= (uint)_tracks.Length || _tracks[track] is not { Report: { } report, ClockRate: > 0 } t)
        {
            return null;
        }

        // The report's 32-bit RTP time, unwrapped next to this (already unwrapped) timestamp.
        var reportTimestamp = timestamp + unchecked((int)(report.RtpTimestamp - (uint)timestamp));
        return report.NtpSeconds + (timestamp - reportTimestamp) / (double)t.ClockRate;
    }

    /// <summary>The local arrival-based time of <paramref name="timestamp"/> in seconds, or null before the track's first frame.</summary>
    public double? ArrivalSeconds(int track, long timestamp)
    {
        if ((uint)track >= (uint)_tracks.Length || _tracks[track] is not { HasFrame: true, ClockRate: > 0 } t)
        {
            return null;
        }

        return t.FirstArrival + (timestamp - t.FirstTimestamp) / (double)t.ClockRate;
    }

    private sealed class Track
    {
        public bool HasFrame;
        public long FirstTimestamp;
        public double FirstArrival;
        public int ClockRate;
        public RtcpSenderReport? Report;
    }
}
