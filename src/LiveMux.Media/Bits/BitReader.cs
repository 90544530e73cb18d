namespace LiveMux.Media.Bits;

/// <summary>
/// MSB-first bit reader over an RBSP (emulation prevention already removed), with the exp-Golomb
/// codes of ITU-T H.264 section 9.1. Reading past the end sets <see cref="Overrun"/> instead of throwing,
/// so parsers check once at the end rather than after every field.
/// </summary>
public ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _bitPosition;

    public BitReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _bitPosition = 0;
        Overrun = false;
    }

    public bool Overrun { get; private set; }

    /// <summary>Bits consumed so far; an SPS rewrite copies the original bits up to a field's position.</summary>
    public readonly int BitPosition => _bitPosition;

    public readonly int BitsLeft => Math.Max(0, (_data.Length * 8) - _bitPosition);

    public bool ReadBit()
    {
        if (_bitPosition >= _data.Length * 8)
        {
            Overrun = true;
            return false;
        }

        var bit = (_data[_bitPosition >> 3] >> (7 - (_bitPosition & 7))) & 1;
        _bitPosition++;
        return bit != 0;
    }

    public uint ReadBits(int count)
    {
        uint value = 0;
        for (var i = 0; i < count; i++)
        {
            value = (value << 1) | (ReadBit() ? 1u : 0u);
        }

        return value;
    }

    public void Skip(int count)
    {
        _bitPosition += count;
        if (_bitPosition > _data.Length * 8)
        {
            Overrun = true;
            _bitPosition = _data.Length * 8;
        }
    }

    /// <summary>ue(v). Codes longer than 32 bits cannot occur in a valid stream and mark the reader overrun.</summary>
    public uint ReadUnsignedExpGolomb()
    {
        var leadingZeros = 0;
        while (!ReadBit())
        {
            if (Overrun || ++leadingZeros > 31)
            {
                Overrun = true;
                return 0;
            }
        }

        return leadingZeros == 0 ? 0 : (uint)((1L << leadingZeros) - 1 + ReadBits(leadingZeros));
    }

    /// <summary>se(v): 1, -1, 2, -2, ... mapped from ue(v) 1, 2, 3, 4, ...</summary>
    public int ReadSignedExpGolomb()
    {
        var code = ReadUnsignedExpGolomb();
        return (code & 1) != 0 ? (int)((code + 1) / 2) : -(int)(code / 2);
    }
}
