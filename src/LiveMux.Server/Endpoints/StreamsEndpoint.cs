using LiveMux.Hub;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp;

namespace LiveMux.Server.Endpoints;

/// <summary><c>GET /api/streams</c>: every stream with its state, codecs, viewers and counters. Sources are redacted.</summary>
internal static class StreamsEndpoint
{
    public static IResult Handle(StreamHub hub) =>
        Results.Json(new { streams = hub.Streams.Select(Describe).ToArray() });

    /// <summary>One track: kind and codec, and the picture size and rate of video or the sample rate of audio.</summary>
    internal static object DescribeTrack(TrackConfig t) => t.Kind == TrackKind.Video
        ? new { kind = "video", codec = t.Codec, width = (int?)t.Width, height = (int?)t.Height, fps = t.FrameRate, sampleRate = (int?)null }
        : new { kind = "audio", codec = t.Codec, width = (int?)null, height = (int?)null, fps = (double?)null, sampleRate = (int?)t.Timescale };

    /// <summary>
    /// RTP reception of the current (or last) RTSP session: the transport really used, why auto fell back to TCP,
    /// and per track the RFC 3550 counters. Null for a stream that never had an RTSP session.
    /// </summary>
    internal static object? DescribeReception(RtspSessionStats? r) => r is null ? null : new
    {
        transport = r.Transport == RtspTransport.Udp ? "udp" : "tcp",
        fallback = r.FallbackReason,
        garbagePackets = r.GarbagePackets,
        foreignPackets = r.ForeignPackets,
        queueOverflows = r.QueueOverflows,
        receiverReports = r.ReceiverReportsSent,
        keyframeRequests = r.KeyframeRequestsSent,
        tracks = r.Tracks.Select(t => new
        {
            track = t.TrackIndex,
            received = t.PacketsReceived,
            expected = t.PacketsExpected,
            lost = t.PacketsLost,
            lossRatio = Math.Round(t.LossRatio, 5),
            reordered = t.PacketsReordered,
            late = t.PacketsLate,
            skipped = t.PacketsSkipped,
            jitterMs = Math.Round(t.JitterMilliseconds, 3),
        }).ToArray(),
    };

    internal static object Describe(LiveStream s)
    {
        var video = s.Format?.Video;
        return new
        {
            name = s.Name,
            state = s.State.ToString().ToLowerInvariant(),
            error = s.LastError,
            source = s.Source,
            codecs = s.Format?.Codecs,
            mime = s.Format?.MimeType,
            width = video?.Width,
            height = video?.Height,
            fps = video?.FrameRate,
            tracks = s.Format?.Tracks.Select(DescribeTrack).ToArray() ?? [],
            viewers = s.Viewers,
            alwaysOn = s.Options.AlwaysOn,
            rtp = DescribeReception(s.Reception),
            counters = new
            {
                bytesIn = s.Counters.BytesIn,
                framesIn = s.Counters.FramesIn,
                fragmentsOut = s.Counters.FragmentsOut,
                bytesOut = s.Counters.BytesOut,
                sessions = s.Counters.SessionsOpened,
                reconnects = s.Counters.Reconnects,
                drops = s.Counters.Drops(),
            },
        };
    }
}
