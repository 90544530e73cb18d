namespace LiveMux.Media.Mp4.Reading;

/// <summary>Hard limits on what an fMP4 producer (an ffmpeg process) can make the reader buffer or allocate.</summary>
public sealed record Fmp4Limits
{
    /// <summary>ftyp, moov, moof and any other box but mdat.</summary>
    public int MaxBoxBytes { get; init; } = 1024 * 1024;

    /// <summary>One mdat: with one fragment per frame, one frame.</summary>
    public int MaxMdatBytes { get; init; } = 16 * 1024 * 1024;

    public int MaxTracks { get; init; } = 8;

    /// <summary>Samples of one moof, all tracks together.</summary>
    public int MaxSamplesPerFragment { get; init; } = 1024;
}
