namespace LiveMux.Media.Codecs.G711;

/// <summary>
/// ITU-T G.711 expansion of 8-bit A-law and µ-law codes to 16-bit linear PCM, with tables computed from the
/// recommendation's segment definition rather than typed in.
/// <code>
/// A-law:  code ^ 0x55 = [S|seg(3)|quant(4)]   S = 1 positive
///         magnitude = seg 0: quant*16 + 8;  seg n: (quant*16 + 0x108) &lt;&lt; (n-1)            (13-bit scaled to 16)
/// µ-law:  ~code       = [S|seg(3)|quant(4)]   S = 1 negative
///         magnitude = ((quant*8 + 0x84) &lt;&lt; seg) - 0x84                                     (14-bit scaled to 16)
/// </code>
/// </summary>
public static class G711
{
    private static readonly short[] ALawTable = BuildALaw();
    private static readonly short[] MuLawTable = BuildMuLaw();

    public static short DecodeALaw(byte code) => ALawTable[code];

    public static short DecodeMuLaw(byte code) => MuLawTable[code];

    /// <summary>Expands <paramref name="codes"/> into <paramref name="pcm"/>, which must be at least as long.</summary>
    public static void Decode(ReadOnlySpan<byte> codes, Span<short> pcm, bool aLaw)
    {
        var table = aLaw ? ALawTable : MuLawTable;
        for (var i = 0; i < codes.Length; i++)
        {
            pcm[i] = table[codes[i]];
        }
    }

    private static short[] BuildALaw()
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            var a = code ^ 0x55;
            var segment = (a >> 4) & 7;
            var quant = a & 0x0F;
            var magnitude = segment == 0 ? (quant << 4) + 8 : ((quant << 4) + 0x108) << (segment - 1);
            table[code] = (short)((a & 0x80) != 0 ? magnitude : -magnitude);
        }

        return table;
    }

    private static short[] BuildMuLaw()
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            var u = ~code & 0xFF;
            var segment = (u >> 4) & 7;
            var quant = u & 0x0F;
            var magnitude = (((quant << 3) + 0x84) << segment) - 0x84;
            table[code] = (short)((u & 0x80) != 0 ? -magnitude : magnitude);
        }

        return table;
    }
}
