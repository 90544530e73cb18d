namespace LiveMux.Media.Rtp;

/// <summary>Hard limits for the audio depacketizers; a unit or packet past them is dropped with a reason.</summary>
public sealed record AudioDepacketizerOptions
{
    /// <summary>
    /// An AAC frame holds at most 6144 bits per channel (14496-3 4.5.3.2), 6 KB for 8 channels; an Opus packet
    /// at most 1275 bytes per frame times 48 frames. Anything beyond this is a broken stream.
    /// </summary>
    public int MaxAccessUnitBytes { get; init; } = 64 * 1024;

    /// <summary>AUs one RFC 3640 packet may carry; a 1500-byte packet of AAC-LC at 8 kbit/s holds about 60.</summary>
    public int MaxAccessUnitsPerPacket { get; init; } = 128;

    /// <summary>Longest G.711 packet, in samples, turned into one FLAC frame; also the STREAMINFO maximum.</summary>
    public int MaxG711BlockSize { get; init; } = 4096;
}
