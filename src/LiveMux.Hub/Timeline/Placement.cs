namespace LiveMux.Hub.Timeline;

/// <summary>
/// Where <see cref="TrackSynchronizer"/> put one unit: its output slot (0 = video if any, then audio) and its
/// decode time, duration and composition offset (PTS - DTS) in the track's clock on the stream timeline.
/// </summary>
internal readonly record struct Placement(int Slot, ulong Dts, uint Duration, int CompositionOffset);

/// <summary>What <see cref="TrackSynchronizer.Place"/> did with a unit; everything but <see cref="Placed"/> is a drop.</summary>
internal enum PlaceResult
{
    Placed,

    /// <summary>The session's tracks are not known yet: a config is missing and the wait for it is not over.</summary>
    FormatIncomplete,

    /// <summary>Not the session's first video or first audio track (or left out), or no such track.</summary>
    TrackNotUsed,

    /// <summary>Audio before the session's first video frame: a viewer starts at a video keyframe.</summary>
    AudioBeforeVideo,

    /// <summary>Audio that would land before what the track already sent (a new session's start, a realignment).</summary>
    BehindTimeline,
}
