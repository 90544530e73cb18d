namespace LiveMux.Media.Bits;

/// <summary>
/// H.264 7.4.1 / H.265 7.4.2: inside a NAL unit every 0x00 0x00 0x03 sequence carries an inserted 0x03
/// that is not part of the RBSP. Parsers of SPS/VUI fields need the RBSP.
/// </summary>
public static class EmulationPrevention
{
    /// <summary>Copies <paramref name="nal"/> into <paramref name="rbsp"/> without emulation prevention bytes; returns the length.</summary>
    public static int Remove(ReadOnlySpan<byte> nal, Span<byte> rbsp)
    {
        var written = 0;
        var zeros = 0;
        foreach (var b in nal)
        {
            if (zeros >= 2 && b == 0x03)
            {
                zeros = 0;
                continue;
            }

            zeros = b == 0 ? zeros + 1 : 0;
            rbsp[written++] = b;
        }

        return written;
    }

    /// <summary>
    /// The inverse of <see cref="Remove"/>: copies <paramref name="rbsp"/> into <paramref name="nal"/>, inserting
    /// 0x03 after two zeros whenever the next byte is 0x00-0x03. Returns the length, or -1 when it does not fit.
    /// </summary>
    public static int Insert(ReadOnlySpan<byte> rbsp, Span<byte> nal)
    {
        var written = 0;
        var zeros = 0;
        foreach (var b in rbsp)
        {
            if (zeros >= 2 && b <= 0x03)
            {
                if (written >= nal.Length)
                {
                    return -1;
                }

                nal[written++] = 0x03;
                zeros = 0;
            }

            if (written >= nal.Length)
            {
                return -1;
            }

            nal[written++] = b;
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return written;
    }
}
