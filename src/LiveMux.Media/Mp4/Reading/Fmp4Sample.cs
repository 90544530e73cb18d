using LiveMux.Media.Rtp;

namespace LiveMux.Media.Mp4.Reading;

/// <summary>
/// One demuxed sample. <see cref="Unit"/> holds its bytes in a pooled buffer (the taker owns and disposes
/// it), decode time from tfdt plus the durations before it, and presentation time = decode time +
/// <see cref="CompositionOffset"/>, all in the track's timescale.
/// </summary>
public readonly struct Fmp4Sample(int trackIndex, AccessUnit unit, uint duration, int compositionOffset)
{
    /// <summary>Index into <see cref="Fmp4Reader.Tracks"/>.</summary>
    public int TrackIndex { get; } = trackIndex;

    public AccessUnit Unit { get; } = unit;

    public uint Duration { get; } = duration;

    public int CompositionOffset { get; } = compositionOffset;
}
