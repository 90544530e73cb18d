using LiveMux.Hub;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Server.Api;
using LiveMux.Rtsp.Server;
using LiveMux.Server.Egress.Mse;
using LiveMux.Server.Egress.Rtsp;

namespace LiveMux.Server.Endpoints;

/// <summary><c>GET /api/streams</c>: every stream with its state, codecs, viewers and counters. Sources are redacted.</summary>
internal static class StreamsEndpoint
{
    public static StreamList Handle(StreamHub hub, StreamReconciler reconciler, MseEgress mse, RtspService rtsp)
    {
        var clients = rtsp.Server?.Clients;
        return new([.. hub.Streams.Select(s => Describe(s, hub, reconciler, mse, clients))]);
    }

    /// <summary>The stream's RTSP path and clients, from one reading of the server's clients; null while the server is off.</summary>
    internal static RtspView? DescribeRtsp(string stream, IReadOnlyList<RtspClientInfo>? clients)
    {
        if (clients is null)
        {
            return null;
        }

        var sessions = clients.Where(c => c.Path == stream)
            .Select(c => new RtspClientView(c.Remote, c.Transport, c.Publishing ? "publish" : "play", c.Since))
            .ToArray();
        return new RtspView("/" + stream, sessions.Count(c => c.Mode == "play"), sessions);
    }

    /// <summary>One track: kind and codec, and the picture size and rate of video or the sample rate of audio.</summary>
    internal static TrackView DescribeTrack(TrackConfig t) => t.Kind == TrackKind.Video
        ? new("video", t.Codec, t.Width, t.Height, t.FrameRate, null)
        : new("audio", t.Codec, null, null, null, t.Timescale);

    /// <summary>
    /// RTP reception of the current (or last) RTSP session: the transport really used, why auto fell back to TCP,
    /// and per track the RFC 3550 counters. Null for a stream that never had an RTSP session.
    /// </summary>
    internal static ReceptionView? DescribeReception(ReceptionStats? r) => r is null ? null : new(
        r.Transport == ReceptionTransport.Udp ? "udp" : "tcp",
        r.FallbackReason,
        r.GarbagePackets,
        r.ForeignPackets,
        r.QueueOverflows,
        r.ReceiverReportsSent,
        r.KeyframeRequestsSent,
        [.. r.Tracks.Select(t => new ReceptionTrackView(
            t.TrackIndex,
            t.PacketsReceived,
            t.PacketsExpected,
            t.PacketsLost,
            Math.Round(t.LossRatio, 5),
            t.PacketsReordered,
            t.PacketsLate,
            t.PacketsSkipped,
            Math.Round(t.JitterMilliseconds, 3)))]);

    internal static StreamView Describe(LiveStream s, StreamHub hub, StreamReconciler reconciler, MseEgress mse, IReadOnlyList<RtspClientInfo>? rtspClients = null)
    {
        var video = s.Format?.Video;
        var companionOf = CompanionOf(s, hub);
        return new StreamView
        {
            Name = s.Name,
            State = s.State.ToString().ToLowerInvariant(),
            Error = s.LastError,
            Source = s.Source,
            Codecs = s.Format?.Codecs,
            // What browsers get (FLAC for G.711), where the codecs above are the camera's own.
            Mime = (mse.FormatOf(s) ?? (s.Format is { } format ? MseMuxer.ForBrowsers(format) : null))?.MimeType,
            Width = video?.Width,
            Height = video?.Height,
            Fps = video?.FrameRate,
            Tracks = s.Format?.Tracks.Select(DescribeTrack).ToArray() ?? [],
            Viewers = s.Viewers,
            AlwaysOn = s.Options.AlwaysOn,
            Rtp = DescribeReception(s.Reception),
            Rtsp = DescribeRtsp(s.Name, rtspClients),
            Counters = new CountersView(
                s.Counters.BytesIn,
                s.Counters.FramesIn,
                s.Counters.FragmentsOut,
                s.Counters.BytesOut,
                s.Counters.SessionsOpened,
                s.Counters.Reconnects,
                s.Counters.Drops()),
            Managed = reconciler.Managed(s.Name) ?? StreamReconciler.Config,
            Url = s.Options.Url.Length == 0 ? null : StreamCredentials.Shown(s.Options.Url),
            HasCredentials = StreamCredentials.HasCredentials(s.Options.Url) || !string.IsNullOrEmpty(s.Options.PublishPassword),
            Publish = s.Options.Publish,
            PublishPath = s.Options.Publish ? "/" + s.Name : null,
            Publisher = s.Publisher is { } p ? new PublisherView(p.Address, p.Transport, p.Since) : null,
            CompanionOf = companionOf,
            Settings = companionOf is null ? StreamEntry.Settings(s.Options) : null,
        };
    }

    internal static string? CompanionOf(LiveStream s, StreamHub hub) =>
        CompanionName.TryGetParent(s.Name, out var parentName)
        && hub.TryGet(parentName, out var parent)
        && ReferenceEquals(parent.Fallback, s)
            ? parent.Name
            : null;
}
