using LiveMux.Media.Formats;

namespace LiveMux.Media.Mp4.Reading;

/// <summary>
/// One trak of the init segment. <see cref="Config"/> is null for a track LiveMux cannot mux (another
/// codec, a subtitle or data track); <see cref="Unsupported"/> then says why, and its samples are dropped.
/// </summary>
public sealed record Fmp4Track
{
    public required uint TrackId { get; init; }

    public TrackConfig? Config { get; init; }

    /// <summary>From the handler (vide, soun); null for other tracks.</summary>
    public TrackKind? Kind { get; init; }

    /// <summary>The sample entry's four-character code, e.g. avc1, mp4a, mp4v.</summary>
    public required string SampleEntryType { get; init; }

    public string? Unsupported { get; init; }

    /// <summary>
    /// The track's typed format for egresses that write RTP (RTSP), from the sample entry's codec configuration;
    /// null when <see cref="Config"/> is, or when the codec has no RTP payload format LiveMux writes
    /// (<see cref="FormatUnsupported"/> then says why).
    /// </summary>
    public MediaFormat? Format { get; init; }

    public string? FormatUnsupported { get; init; }

    internal uint DefaultDuration { get; init; }

    internal uint DefaultSize { get; init; }

    internal uint DefaultFlags { get; init; }
}
