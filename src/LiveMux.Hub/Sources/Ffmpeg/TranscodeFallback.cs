namespace LiveMux.Hub.Sources.Ffmpeg;

/// <summary>
/// The H.264 companion of a stream whose video some browsers cannot play (HEVC):
/// <code>
/// camera --RTSP--> stream "cam" --init + fragments (one hub subscription)--> ffmpeg stdin
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

    /// <summary>Writes the stream's init segment and then its fragments to ffmpeg until the session stops.</summary>
    public static async Task FeedAsync(LiveStream source, Stream stdin, CancellationToken ct)
    {
        using var subscription = source.Subscribe();
        var initSent = false;
        while (await subscription.ReadAsync(ct).ConfigureAwait(false) is { } item)
        {
            if (item.Fragment is not { } fragment)
            {
                continue;
            }

            try
            {
                if (fragment.Kind == FragmentKind.Init)
                {
                    if (initSent)
                    {
                        // ffmpeg's demuxer takes one moov: a new format restarts it (the stream retries at once).
                        return;
                    }

                    initSent = true;
                }
                else if (!initSent)
                {
                    continue;
                }

                await stdin.WriteAsync(fragment.Memory, ct).ConfigureAwait(false);
                await stdin.FlushAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                fragment.Release();
            }
        }
    }
}
