namespace LiveMux.Hub.Sources.Ffmpeg;

/// <summary>
/// The ffmpeg command line as an argument list (never a shell string):
/// <code>
/// ffmpeg -hide_banner -nostats -loglevel warning [InputOptions] [-protocol_whitelist ... [-format_whitelist ...]]
///        -i INPUT -map 0:v:0? [-map 0:a:0?]
///        -c:v copy|libx264 ... -c:a copy|aac|libopus|-an
///        -f mp4 -movflags empty_moov+default_base_moof -frag_duration 1 -flush_packets 1 pipe:1
/// </code>
/// A fragment per frame (per packet across tracks) on stdout, so demuxing adds no latency beyond ffmpeg's
/// own. Not frag_every_frame: ffmpeg 5.1 writes AAC copied with it with repeated decode times
/// ("Packet duration: -1024 ... out of range"), while -frag_duration 1 cuts at the same points cleanly.
/// </summary>
public static class FfmpegArguments
{
    public const string StdinInput = "pipe:0";

    /// <param name="input">The input as ffmpeg gets it: <see cref="FfmpegOptions.Input"/>, or a media file's resolved path.</param>
    internal static IReadOnlyList<string> Build(FfmpegOptions options, IReadOnlyList<string> inputOptions, string? input = null)
    {
        List<string> args = ["-hide_banner", "-nostats", "-loglevel", "warning"];
        if (options.Input != StdinInput)
        {
            args.Add("-nostdin");
        }

        args.AddRange(inputOptions);
        if (options.Restriction is { } restriction)
        {
            // After the input options: ffmpeg keeps the last value of an option, so these win whatever came before.
            args.AddRange(["-protocol_whitelist", restriction.ProtocolWhitelist]);
            if (restriction.FormatWhitelist is { } formats)
            {
                args.AddRange(["-format_whitelist", formats]);
            }
        }

        args.AddRange(["-i", input ?? options.Input, "-map", "0:v:0?"]);
        if (options.Audio != FfmpegAudio.None)
        {
            args.AddRange(["-map", "0:a:0?"]);
        }

        args.AddRange(options.Video switch
        {
            // A keyframe every second whatever the frame rate: a new viewer waits at most that long.
            FfmpegVideo.H264 => ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                "-force_key_frames", "expr:gte(t,n_forced*1)", "-bf", "0"],
            _ => ["-c:v", "copy"],
        });
        args.AddRange(options.Audio switch
        {
            FfmpegAudio.None => ["-an"],
            FfmpegAudio.Aac => ["-c:a", "aac", "-b:a", "128k"],
            FfmpegAudio.Opus => ["-c:a", "libopus", "-b:a", "96k", "-ar", "48000"],
            _ => ["-c:a", "copy"],
        });
        args.AddRange(["-f", "mp4", "-movflags", "empty_moov+default_base_moof", "-frag_duration", "1", "-flush_packets", "1", "pipe:1"]);
        return args;
    }

    /// <summary>
    /// Splits <c>InputOptions</c> the way a POSIX shell splits words, without expanding anything: blanks
    /// separate, '...' is literal, "..." and \ escape. Nothing is ever run through a shell.
    /// </summary>
    public static bool TryTokenize(string text, out List<string> tokens, out string error)
    {
        const int maxTokens = 64;
        tokens = [];
        error = "";
        var current = new System.Text.StringBuilder();
        var inToken = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inToken)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    inToken = false;
                }

                continue;
            }

            inToken = true;
            if (c == '\'')
            {
                var end = text.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    error = "unterminated ' quote";
                    return false;
                }

                current.Append(text, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\')
                    {
                        i++;
                    }

                    current.Append(text[i]);
                    i++;
                }

                if (i >= text.Length)
                {
                    error = "unterminated \" quote";
                    return false;
                }
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                current.Append(text[++i]);
            }
            else
            {
                current.Append(c);
            }

            if (tokens.Count >= maxTokens)
            {
                error = $"more than {maxTokens} options";
                return false;
            }
        }

        if (inToken)
        {
            tokens.Add(current.ToString());
        }

        return true;
    }
}
