namespace LiveMux.Media.Rtp;

/// <summary>
/// Times moved between clocks exactly: a track's samples are timed in its own timescale (an MP4 track's mdhd, e.g.
/// 15360 Hz for ffmpeg's 30 fps video), while RTP runs on the payload format's clock (90000 Hz for video) and sender
/// reports on NTP's 2^32 units per second. Each time is converted from its absolute value with 128-bit integers,
/// never by adding rounded steps, so no error builds up over hours. Rounds toward negative infinity.
/// <code>
/// rtp = floor(time * clockRate / timescale)        ntp = floor(time * 2^32 / timescale)
/// </code>
/// </summary>
public static class RtpClock
{
    public static long Rescale(long time, int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(from);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(to);
        return from == to ? time : FloorDivide((Int128)time * to, from);
    }

    /// <summary><paramref name="time"/> in a <paramref name="timescale"/> Hz clock as NTP 32.32 fixed-point seconds.</summary>
    public static long ToNtp(long time, int timescale)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timescale);
        return FloorDivide((Int128)time << 32, timescale);
    }

    private static long FloorDivide(Int128 value, int divisor)
    {
        var quotient = value / divisor;
        if (value % divisor != 0 && value < 0)
        {
            quotient--;
        }

        return (long)quotient;
    }
}
