namespace LiveMux.Server.Egress.Snapshot;

/// <summary><c>LiveMux:Snapshots</c>: <c>GET /api/frame.jpeg</c>.</summary>
public sealed record SnapshotOptions
{
    /// <summary>
    /// How long a decoded picture answers further requests of the same size, so pollers share one decode. A
    /// cached answer is up to this much older than its request; 0 decodes for every request (requests that
    /// arrive while a decode runs still share it).
    /// </summary>
    public TimeSpan CacheTime { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a request waits for a picture: an idle stream's start and its first keyframe.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one ffmpeg decode may take before it is killed.</summary>
    public TimeSpan DecodeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>ffmpeg decodes running at once across all streams; more wait their turn.</summary>
    public int MaxDecodes { get; init; } = 2;

    /// <summary>The bounds of <c>width</c> and <c>height</c>, pixels.</summary>
    public const int MinSize = 16;

    public const int MaxSize = 4096;

    public static void Validate(List<string> errors, SnapshotOptions options)
    {
        if (options.CacheTime < TimeSpan.Zero || options.CacheTime > TimeSpan.FromMinutes(1))
        {
            errors.Add("LiveMux:Snapshots:CacheTime must be between 0 and 00:01:00");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(2))
        {
            errors.Add("LiveMux:Snapshots:Timeout must be positive and at most 00:02:00");
        }

        if (options.DecodeTimeout <= TimeSpan.Zero || options.DecodeTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add("LiveMux:Snapshots:DecodeTimeout must be positive and at most 00:01:00");
        }

        if (options.MaxDecodes is < 1 or > 64)
        {
            errors.Add("LiveMux:Snapshots:MaxDecodes must be between 1 and 64");
        }
    }
}
