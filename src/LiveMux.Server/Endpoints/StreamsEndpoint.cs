using LiveMux.Hub;
using LiveMux.Media.Rtp;

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
