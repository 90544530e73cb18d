using LiveMux.Server.Tests.Auth;

namespace LiveMux.Server.Tests.Egress.Snapshot;

/// <summary>Token mode with the demo stream (an in-process H.264 camera), and a snapshot cache long enough to observe.</summary>
public sealed class SnapshotFactory : AuthFactory
{
    public static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(2);

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["LiveMux:Demo"] = "true",
        ["LiveMux:Auth:ApiKey"] = TokenModeFactory.ApiKey,
        ["LiveMux:Auth:Viewers"] = "token",
        ["LiveMux:Auth:TokenSecret"] = TokenModeFactory.Secret,
        ["LiveMux:Snapshots:CacheTime"] = CacheTime.ToString(),
        ["LiveMux:Snapshots:Timeout"] = "00:00:02",
    };
}

/// <summary>The demo stream with <c>LiveMux:Ffmpeg:Path</c> pointing at a file that does not exist.</summary>
public sealed class NoFfmpegFactory : AuthFactory
{
    public const string MissingPath = "/nonexistent/livemux-tests/ffmpeg";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["LiveMux:Demo"] = "true",
        ["LiveMux:Ffmpeg:Path"] = MissingPath,
    };
}
