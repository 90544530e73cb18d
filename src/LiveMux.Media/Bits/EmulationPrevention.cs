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
}
