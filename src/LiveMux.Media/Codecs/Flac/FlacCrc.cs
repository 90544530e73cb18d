namespace LiveMux.Media.Codecs.Flac;

/// <summary>
/// The two checksums of a FLAC frame (RFC 9639 sections 9.1.8 and 9.3): CRC-8 with polynomial x^8+x^2+x+1
/// over the frame header, and CRC-16 with polynomial x^16+x^15+x^2+1 over the whole frame. Both start at 0,
/// are not reflected and not inverted.
/// </summary>
public static class FlacCrc
{
    private static readonly byte[] Crc8Table = BuildCrc8();
    private static readonly ushort[] Crc16Table = BuildCrc16();

    public static byte Crc8(ReadOnlySpan<byte> data)
    {
        byte crc = 0;
        foreach (var b in data)
        {
            crc = Crc8Table[crc ^ b];
        }

        return crc;
    }

    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data)
        {
            crc = (ushort)((crc << 8) ^ Crc16Table[(crc >> 8) ^ b]);
        }

        return crc;
    }

    private static byte[] BuildCrc8()
    {
        var table = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80) != 0 ? (crc << 1) ^ 0x07 : crc << 1;
            }

            table[i] = (byte)crc;
        }

        return table;
    }

    private static ushort[] BuildCrc16()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = i << 8;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x8005 : crc << 1;
            }

            table[i] = (ushort)crc;
        }

        return table;
    }
}
