namespace LiveMux.Media.Mp4;

/// <summary>
/// What the muxer and the browser need to know about a track: its RFC 6381 codec string, its clock and its
/// complete MP4 sample entry box (for example avc1 with avcC), built by the codec that understands it.
/// </summary>
public sealed record TrackConfig
{
    public required TrackKind Kind { get; init; }
    public required string Codec { get; init; }
    public required int Timescale { get; init; }
    public required byte[] SampleEntry { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public double? FrameRate { get; init; }

    /// <summary>Audio channels, where an egress needs them outside the sample entry (G.711 to FLAC); 0 when not stated.</summary>
    public int Channels { get; init; }

    /// <summary>Default sample duration in <see cref="Timescale"/> units, used before two frames give a real one.</summary>
    public int DefaultDuration => FrameRate is { } fps && fps > 0 ? (int)Math.Round(Timescale / fps) : Timescale / 25;

    // Compared for every frame: a depacketizer hands out the same instance until its configuration
    // changes, so identity answers almost every call without comparing the sample entry's bytes.
    public bool Equals(TrackConfig? other) =>
        ReferenceEquals(this, other)
        || (other is not null && Kind == other.Kind && Codec == other.Codec && Timescale == other.Timescale
            && SampleEntry.AsSpan().SequenceEqual(other.SampleEntry));

    public override int GetHashCode() => HashCode.Combine(Kind, Codec, Timescale, SampleEntry.Length);
}

public enum TrackKind
{
    Video,
    Audio,
}
