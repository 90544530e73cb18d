using System.Text.RegularExpressions;
using LiveMux.Hub;

namespace LiveMux.Server;

/// <summary>
/// The configuration binder drops a whole <c>LiveMux:Streams:&lt;name&gt;</c> entry whose value has the wrong
/// type (an unknown <c>Ffmpeg:Video</c>, a malformed time span) without a word. Binding each stream alone
/// brings the binder's message, which names the key, so the stream is not silently missing. A stream that
/// still sets the removed <c>Ffmpeg:Path</c> is an error too.
/// </summary>
internal static partial class StreamBindingCheck
{
    public static IEnumerable<string> Errors(IConfigurationSection streams, LiveMuxOptions bound) =>
        StreamErrors(streams, bound).Select(e => e.Error.Message);

    /// <summary>The same, per stream, with the offending setting as the REST API names it.</summary>
    public static IEnumerable<(string Stream, OptionError Error)> StreamErrors(IConfigurationSection streams, LiveMuxOptions bound)
    {
        foreach (var stream in streams.GetChildren())
        {
            // The binder ignores a key it has no property for: a left-over per-stream ffmpeg binary would be
            // dropped in silence, and the stream would run another program than its owner thinks.
            if (!string.IsNullOrEmpty(stream["Ffmpeg:Path"]))
            {
                yield return (stream.Key, new OptionError("ffmpeg.path",
                    $"LiveMux:Streams:{stream.Key}:Ffmpeg:Path is no longer a stream setting: set the ffmpeg binary once, in LiveMux:Ffmpeg:Path"));
                continue;
            }

            if (bound.Streams.ContainsKey(stream.Key))
            {
                continue;
            }

            string? error = null;
            try
            {
                stream.Get<StreamOptions>();
            }
            catch (InvalidOperationException e)
            {
                error = e.Message;
            }

            yield return (stream.Key, new OptionError(
                error is null ? "" : Field(stream.Path, error),
                error ?? $"LiveMux:Streams:{stream.Key}: the stream's settings could not be read"));
        }
    }

    // "Failed to convert configuration value at 'LiveMux:Streams:cam1:Ffmpeg:Video' to type ..." -> "ffmpeg.video"
    private static string Field(string streamPath, string message)
    {
        var key = KeyInMessage().Match(message);
        if (!key.Success || !key.Groups[1].Value.StartsWith(streamPath + ":", StringComparison.OrdinalIgnoreCase))
        {
            return "";
        }

        return string.Join('.', key.Groups[1].Value[(streamPath.Length + 1)..]
            .Split(':')
            .Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));
    }

    [GeneratedRegex("at '([^']+)'")]
    private static partial Regex KeyInMessage();
}
