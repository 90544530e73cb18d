using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>The demo clip as a stream of its own, outside the hub's list: what the demo camera serves over RTSP.</summary>
public static class DemoClipStream
{
    /// <summary>A stream of the embedded clip (parsed here, so a broken clip fails now), started by its first subscriber.</summary>
    public static LiveStream Create(TimeProvider time, ILogger logger)
    {
        var clip = DemoClip.Instance;
        return new LiveStream("demo clip", new StreamOptions { AlwaysOn = true }, new ViewerQueueOptions(), () => new ClipSource(clip, time, logger), time, logger);
    }
}
