using LiveMux.Hub;

namespace LiveMux.Server;

/// <summary>
/// The configuration binder drops a whole <c>LiveMux:Streams:&lt;name&gt;</c> entry whose value has the wrong
/// type (an unknown <c>Ffmpeg:Video</c>, a malformed time span) without a word. Binding each stream alone
/// brings the binder's message, which names the key, so the stream is not silently missing.
/// </summary>
internal static class StreamBindingCheck
{
    public static IEnumerable<string> Errors(IConfigurationSection streams, LiveMuxOptions bound)
    {
        foreach (var stream in streams.GetChildren())
        {
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

            yield return error ?? $"LiveMux:Streams:{stream.Key}: the stream's settings could not be read";
        }
    }
}
