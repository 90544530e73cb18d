namespace LiveMux.Media.Mp4;

/// <summary>
/// The ProducerReferenceTimeBox (ISO/IEC 14496-12 8.16.5), version 1, written before each moof: it ties
/// one presentation time of the fragment's track to a wall-clock time, so a player can tell how old the
/// frame it shows is.
/// <code>
///  0               4               8   9      12              16                              24                              32
///  +---------------+---------------+---+-------+---------------+-------------------------------+-------------------------------+
///  | size = 32     | 'prft'        | v1| flags | ref track_ID  | ntp_timestamp (64 bit)        | media_time (64 bit, v1)       |
///  +---------------+---------------+---+-------+---------------+-------------------------------+-------------------------------+
///  ntp_timestamp: RFC 5905 6 format: seconds since 1900-01-01 UTC (high 32 bits), binary fraction (low 32 bits)
///  media_time:    in the reference track's timescale, the presentation time the wall-clock time belongs to
/// </code>
/// flags stay 0: the box then says only that the wall-clock time and media_time belong together. LiveMux
/// stamps the time its hub received the access unit; 8.16.5's finer flag meanings (encoder input/output,
/// box written) describe a producer that encodes, which a transmuxer is not.
/// </summary>
public static class ProducerReferenceTime
{
    public const int Size = 32;

    /// <summary>Seconds from the NTP era 0 (1900-01-01) to the Unix epoch (1970-01-01).</summary>
    public const long UnixToNtpSeconds = 2_208_988_800;

    private const uint Prft = 0x70726674;

    /// <summary>Writes the box at the start of <paramref name="destination"/> (at least <see cref="Size"/> bytes).</summary>
    public static void Write(Span<byte> destination, uint referenceTrackId, ulong ntpTimestamp, ulong mediaTime)
    {
        var w = new BoxWriter(destination);
        var prft = w.BeginFull(Prft, 1, 0);
        w.U32(referenceTrackId);
        w.U64(ntpTimestamp);
        w.U64(mediaTime);
        w.End(prft);
    }

    /// <summary>
    /// A wall-clock time as an NTP timestamp. The fraction keeps the tick's 100 ns precision (2^32 units per
    /// second); times before 1970 are not wall-clock times a camera stream has, and clamp to the epoch.
    /// </summary>
    public static ulong ToNtp(DateTimeOffset utc)
    {
        var ticks = Math.Max(0, utc.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks);
        var seconds = (ulong)(ticks / TimeSpan.TicksPerSecond) + UnixToNtpSeconds;
        var fraction = (ulong)(ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    /// <summary>The inverse of <see cref="ToNtp"/>, to 100 ns: for readers and tests.</summary>
    public static DateTimeOffset FromNtp(ulong ntp)
    {
        var seconds = (long)(ntp >> 32) - UnixToNtpSeconds;
        var fractionTicks = (long)(((ntp & 0xFFFFFFFF) * TimeSpan.TicksPerSecond + (1UL << 31)) >> 32);
        return DateTimeOffset.UnixEpoch.AddTicks((seconds * TimeSpan.TicksPerSecond) + fractionTicks);
    }
}
