using System.Globalization;
using LiveMux.Hub;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Server;

namespace LiveMux.Server.Metrics;

/// <summary>
/// The <c>livemux_stream_*</c> families, from the streams the hub holds at scrape time: a stream removed
/// from the hub is simply not enumerated, so its series end with it. Drop reasons are listed whether or
/// not they happened yet, so <c>rate()</c> sees a series from the start.
/// </summary>
internal static class StreamMetrics
{
    private static readonly string[] States = [.. Enum.GetValues<StreamState>().Select(StateName)];

    private static readonly string[] DropReasons =
    [
        .. Enum.GetValues<DropReason>().Where(r => r != DropReason.None).Select(r => r.ToString()),
        .. Enum.GetNames<ViewerDropReason>(),
    ];

    public static string StateName(StreamState state) => state.ToString().ToLowerInvariant();

    /// <param name="rtspClients">The RTSP server's clients at scrape time; null while it is off (no RTSP family then).</param>
    public static void Write(PrometheusTextWriter w, IEnumerable<LiveStream> streams, IReadOnlyList<RtspClientInfo>? rtspClients = null)
    {
        // One read per stream, so every family of a scrape sees the same reception snapshot.
        var all = streams.Select(s => new Row(s, s.Name, s.Reception, s.Counters.Drops())).ToArray();

        w.Family("livemux_stream_state", "gauge", "Upstream state: 1 for the stream's current state, 0 for the others.");
        foreach (var s in all)
        {
            var current = StateName(s.Stream.State);
            foreach (var state in States)
            {
                w.Sample(state == current ? 1 : 0, ("stream", s.Name), ("state", state));
            }
        }

        Gauge(w, all, "livemux_stream_viewers", "Viewers connected now.", s => s.Viewers);
        if (rtspClients is not null)
        {
            w.Family("livemux_stream_rtsp_clients", "gauge", "RTSP clients playing (mode=play) or publishing (mode=publish) the stream now.");
            foreach (var s in all)
            {
                w.Sample(rtspClients.Count(c => c.Path == s.Name && !c.Publishing), ("stream", s.Name), ("mode", "play"));
                w.Sample(rtspClients.Count(c => c.Path == s.Name && c.Publishing), ("stream", s.Name), ("mode", "publish"));
            }
        }

        Counter(w, all, "livemux_stream_bytes_in_total", "Bytes received from the upstream (RTP payload or ffmpeg output).", s => s.Counters.BytesIn);
        Counter(w, all, "livemux_stream_frames_in_total", "Access units received from the upstream.", s => s.Counters.FramesIn);
        Counter(w, all, "livemux_stream_bytes_out_total", "Media bytes sent to viewers, all viewers together.", s => s.Counters.BytesOut);
        Counter(w, all, "livemux_stream_frames_out_total", "Media fragments (one frame each) sent to viewers, all viewers together.", s => s.Counters.FragmentsOut);
        Counter(w, all, "livemux_stream_sessions_total", "Upstream sessions opened.", s => s.Counters.SessionsOpened);
        Counter(w, all, "livemux_stream_reconnects_total", "Times the upstream was lost or refused and retried.", s => s.Counters.Reconnects);

        w.Family("livemux_stream_drops_total", "counter", "Frames dropped, by reason: ingest (depacketizer) reasons and viewer ones (skipped to a keyframe, disconnected).");
        foreach (var s in all)
        {
            foreach (var reason in DropReasons)
            {
                w.Sample(s.Drops.TryGetValue(reason, out var n) ? n : 0, ("stream", s.Name), ("reason", reason));
            }
        }

        var tracks = all.Where(s => s.Reception is not null)
            .SelectMany(s => s.Reception!.Tracks.Select(t => (s.Name, Track: t.TrackIndex.ToString(CultureInfo.InvariantCulture), Stats: t)))
            .ToArray();
        w.Family("livemux_stream_rtp_packets_received_total", "counter", "RTP packets received in the current (or last) RTSP session, per track.");
        foreach (var t in tracks)
        {
            w.Sample(t.Stats.PacketsReceived, ("stream", t.Name), ("track", t.Track));
        }

        // RFC 3550's cumulative loss goes negative with duplicates; a counter cannot.
        w.Family("livemux_stream_rtp_packets_lost_total", "counter", "RTP packets lost (expected - received, at least 0) in the current (or last) RTSP session, per track.");
        foreach (var t in tracks)
        {
            w.Sample(Math.Max(0, t.Stats.PacketsLost), ("stream", t.Name), ("track", t.Track));
        }

        w.Family("livemux_stream_rtp_jitter_seconds", "gauge", "RTP interarrival jitter (RFC 3550 6.4.1), per track.");
        foreach (var t in tracks)
        {
            w.Sample(t.Stats.JitterMilliseconds / 1000, ("stream", t.Name), ("track", t.Track));
        }
    }

    private static void Counter(PrometheusTextWriter w, Row[] all, string name, string help, Func<LiveStream, long> read) =>
        Family(w, all, name, "counter", help, s => read(s));

    private static void Gauge(PrometheusTextWriter w, Row[] all, string name, string help, Func<LiveStream, double> read) =>
        Family(w, all, name, "gauge", help, read);

    private static void Family(PrometheusTextWriter w, Row[] all, string name, string type, string help, Func<LiveStream, double> read)
    {
        w.Family(name, type, help);
        foreach (var s in all)
        {
            w.Sample(read(s.Stream), ("stream", s.Name));
        }
    }

    /// <summary>One stream as one scrape sees it.</summary>
    private readonly record struct Row(LiveStream Stream, string Name, ReceptionStats? Reception, IReadOnlyDictionary<string, long> Drops);
}
