namespace LiveMux.Hub.Sources.Ffmpeg;

/// <summary>
/// The H.264 companion of a stream whose video some browsers cannot play (HEVC):
/// <code>
/// camera --RTSP--> stream "cam" --init + fragments (one MSE viewer, TranscodeFeed)--> ffmpeg stdin
///                                  ffmpeg -c:v libx264 --fMP4--> stream "cam~h264" --> viewers without HEVC
/// </code>
/// It reads the stream's own output, so the camera still sees one session, and one ffmpeg serves every
/// such viewer. It runs only while it has viewers, like any stream. Its name is <see cref="CompanionName"/>'s.
/// </summary>
internal static class TranscodeFallback
{
    // The demuxer reads moov and moof in order from a pipe; nothing to probe beyond the init segment.
    private static readonly IReadOnlyList<string> StdinInputOptions = ["-f", "mp4", "-fflags", "nobuffer", "-probesize", "65536", "-analyzeduration", "0"];

    public static FfmpegOptions Options() => new()
    {
        Input = FfmpegArguments.StdinInput,
        Video = FfmpegVideo.H264,
        Audio = FfmpegAudio.Copy,
    };

    public static IReadOnlyList<string> InputOptions => StdinInputOptions;
}

/// <summary>
/// Writes <paramref name="source"/>'s fMP4 (an init segment, then its fragments) to <paramref name="stdin"/> until
/// the session stops or the format changes (ffmpeg's demuxer takes one moov; the companion retries at once).
/// The MSE egress provides it: the companion is one more of its viewers.
/// </summary>
public delegate Task TranscodeFeed(LiveStream source, Stream stdin, CancellationToken ct);
