namespace LiveMux.Hub.Distribution;

/// <summary>What a subscription does when its consumer falls behind, and when it ends (ARCHITECTURE.md).</summary>
public enum SubscriptionPolicy
{
    /// <summary>
    /// Viewers: a bounded queue; one that is full skips whole frames up to the next keyframe, and one that keeps
    /// skipping for the slow-viewer timeout is disconnected with a reason. Every skip is counted.
    /// </summary>
    Live,

    /// <summary>
    /// Consumers that must not lose frames silently (a muxer shared by viewers, a recorder): a full queue skips
    /// up to the next keyframe like a live one, but is never disconnected for it, and the first frame after the
    /// skip is marked <see cref="Delivery{T}.AfterGap"/> so the consumer can close its file or segment there.
    /// </summary>
    Reliable,

    /// <summary>A snapshot: the cached GOP (or the next keyframe) plus a given number of frames after it, then the end.</summary>
    OneShot,
}
