using LiveMux.Hub;
using LiveMux.Hub.Sources.Ffmpeg;

namespace LiveMux.Server;

/// <summary>
/// Start-up checks of <c>LiveMux:Streams:&lt;name&gt;:Ffmpeg</c> and <c>LiveMux:Ffmpeg</c>. Whether ffmpeg is installed is not one of them:
/// LiveMux and its other streams start without it, and the stream itself says what is missing.
/// </summary>
internal static class FfmpegOptionsValidator
{
    public static void Validate(List<OptionError> errors, string key, FfmpegOptions ffmpeg, bool isSource)
    {
        if (!isSource && (ffmpeg.InputOptions.Length > 0 || ffmpeg.Video != FfmpegVideo.Copy || ffmpeg.Audio != FfmpegAudio.Copy))
        {
            errors.Add(new("ffmpeg", $"{key}:Ffmpeg: InputOptions, Video and Audio need Ffmpeg:Input (a camera's TranscodeFallback takes no ffmpeg settings)"));
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
    }

    public static void Validate(List<string> errors, FfmpegServerOptions ffmpeg)
    {
        if (ffmpeg.Path.Length > 0 && !Path.IsPathFullyQualified(ffmpeg.Path))
        {
            errors.Add("LiveMux:Ffmpeg:Path must be an absolute path to the ffmpeg binary");
        }

        if (ffmpeg.MediaDirectory.Length > 0 && !Path.IsPathFullyQualified(ffmpeg.MediaDirectory))
        {
            errors.Add("LiveMux:Ffmpeg:MediaDirectory must be an absolute path to a directory");
        }
    }
}
