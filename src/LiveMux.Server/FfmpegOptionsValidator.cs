using LiveMux.Hub;
using LiveMux.Hub.Sources.Ffmpeg;

namespace LiveMux.Server;

/// <summary>
/// Start-up checks of <c>LiveMux:Streams:&lt;name&gt;:Ffmpeg</c>. Whether ffmpeg is installed is not one of them:
/// LiveMux and its other streams start without it, and the stream itself says what is missing.
/// </summary>
internal static class FfmpegOptionsValidator
{
    public static void Validate(List<OptionError> errors, string key, FfmpegOptions ffmpeg, bool isSource)
    {
        if (!isSource && (ffmpeg.InputOptions.Length > 0 || ffmpeg.Video != FfmpegVideo.Copy || ffmpeg.Audio != FfmpegAudio.Copy))
        {
            errors.Add(new("ffmpeg", $"{key}:Ffmpeg: InputOptions, Video and Audio need Ffmpeg:Input (only Ffmpeg:Path applies to a camera's TranscodeFallback)"));
        }

        if (!FfmpegArguments.TryTokenize(ffmpeg.InputOptions, out var tokens, out var error))
        {
            errors.Add(new("ffmpeg.inputOptions", $"{key}:Ffmpeg:InputOptions: {error}"));
        }
        else if (tokens.Contains("-i"))
        {
            errors.Add(new("ffmpeg.inputOptions", $"{key}:Ffmpeg:InputOptions must not contain -i: the input is Ffmpeg:Input"));
        }

        if (ffmpeg.Input.Trim() == FfmpegArguments.StdinInput || ffmpeg.Input.Trim() == "-")
        {
            errors.Add(new("ffmpeg.input", $"{key}:Ffmpeg:Input cannot be standard input"));
        }

        if (ffmpeg.Path.Length > 0 && !Path.IsPathFullyQualified(ffmpeg.Path))
        {
            errors.Add(new("ffmpeg.path", $"{key}:Ffmpeg:Path must be an absolute path to the ffmpeg binary"));
        }
    }
}
