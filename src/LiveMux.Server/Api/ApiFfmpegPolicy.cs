using LiveMux.Hub;
using LiveMux.Hub.Sources.Ffmpeg;

namespace LiveMux.Server.Api;

/// <summary>
/// What an ffmpeg source from the API (the streams file) may be, checked when the API writes it, when the
/// file is read at start-up or reloaded, and enforced by ffmpeg at run time (<see cref="FfmpegRestriction"/>):
/// <code>
///   ffmpeg.input         rtsp|rtsps|rtmp|rtmps|http|https|srt://...   -> -protocol_whitelist of network protocols
///                        a file inside LiveMux:Ffmpeg:MediaDirectory  -> -protocol_whitelist file, single-file demuxers
///   ffmpeg.inputOptions  <see cref="ApiInputOptions"/>
/// </code>
/// The ffmpeg binary is not a stream setting at all. Streams from configuration files are not checked here.
/// </summary>
internal sealed class ApiFfmpegPolicy(string mediaDirectory)
{
    public static readonly string[] Schemes = ["rtsp", "rtsps", "rtmp", "rtmps", "http", "https", "srt"];

    public string MediaDirectory { get; } = mediaDirectory;

    public void Validate(List<OptionError> errors, string name, StreamOptions stream)
    {
        if (stream.Ffmpeg is not { Input.Length: > 0 } ffmpeg)
        {
            return;
        }

        var key = $"LiveMux:Streams:{name}";
        ApiInputOptions.Validate(errors, key, ffmpeg.InputOptions);
        if (CheckInput(ffmpeg.Input.Trim()) is { } error)
        {
            errors.Add(new("ffmpeg.input", $"{key}:Ffmpeg:Input {error}"));
        }
    }

    /// <summary>The stream as it runs: an ffmpeg source is told what it may open.</summary>
    public StreamOptions Restrict(StreamOptions stream) =>
        stream.Ffmpeg is { Input.Length: > 0 } ffmpeg
            ? stream with
            {
                Ffmpeg = ffmpeg.Restricted(IsNetworkUrl(ffmpeg.Input.Trim()) ? null : MediaDirectory),
            }
            : stream;

    private static bool IsNetworkUrl(string input) =>
        Scheme(input) is { } scheme && Schemes.Contains(scheme, StringComparer.OrdinalIgnoreCase);

    // "rtsp://host/x" -> "rtsp"; "file:/x", "concat:a|b", "pipe:0" -> the protocol; a path -> null.
    private static string? Scheme(string input)
    {
        var colon = input.IndexOf(':', StringComparison.Ordinal);
        var slash = input.IndexOf('/', StringComparison.Ordinal);
        return colon > 0 && (slash < 0 || colon < slash) ? input[..colon] : null;
    }

    private string? CheckInput(string input)
    {
        if (input.Any(char.IsControl))
        {
            return "must not hold control characters";
        }

        if (Scheme(input) is { } scheme)
        {
            if (!Schemes.Contains(scheme, StringComparer.OrdinalIgnoreCase))
            {
                return $"'{Shown(scheme)}:' is not allowed through the API: use an {string.Join(", ", Schemes)} URL, or a file in the media directory named by its path";
            }

            var authority = input.AsSpan(scheme.Length + 1);
            return authority.StartsWith("//") && authority.Length > 2 && authority[2] != '/'
                ? null
                : $"must be a URL with a host, such as {scheme}://host/path";
        }

        if (MediaDirectory.Length == 0)
        {
            return "must be a network URL (" + string.Join(", ", Schemes) + "): files are not allowed through the API because LiveMux:Ffmpeg:MediaDirectory is not set";
        }

        return MediaPath.TryResolve(MediaDirectory, input, out _, out var error) ? null : $"is refused: {error}";
    }

    private static string Shown(string text) => text.Length <= 20 ? text : text[..20] + "...";
}
