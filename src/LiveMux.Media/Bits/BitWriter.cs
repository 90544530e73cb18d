namespace LiveMux.Media.Bits;

/// <summary>
/// MSB-first bit writer into a caller's span, with the exp-Golomb codes of ITU-T H.264 section 9.1; the
/// counterpart of <see cref="BitReader"/> for re-emitting an RBSP. Writing past the end sets
/// <see cref="Overrun"/> instead of throwing.
/// </summary>
public ref struct BitWriter
{
    private readonly Span<byte> _data;
    private int _bitPosition;

    public BitWriter(Span<byte> data)
    {
        _data = data;
        _data.Clear();
        _bitPosition = 0;
        Overrun = false;
    }

    public bool Overrun { get; private set; }

    public readonly int BitPosition => _bitPosition;

    /// <summary>Whole bytes written, counting a partly written last byte.</summary>
    public readonly int ByteLength => (_bitPosition + 7) >> 3;

    public void WriteBit(bool bit)
    {
        if (_bitPosition >= _data.Length * 8)
        {
            Overrun = true;
            return;
        }

        if (bit)
        {
            _data[_bitPosition >> 3] |= (byte)(0x80 >> (_bitPosition & 7));
        }

        _bitPosition++;
    }

    public void WriteBits(uint value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            WriteBit(((value >> i) & 1) != 0);
        }
    }

    /// <summary>ue(v): codeNum + 1 in binary, preceded by one zero per bit after its leading one.</summary>
    public void WriteUnsignedExpGolomb(uint value)
    {
        var code = (ulong)value + 1;
        var bits = 64 - System.Numerics.BitOperations.LeadingZeroCount(code);
        for (var i = 1; i < bits; i++)
        {
            WriteBit(false);
        }

        for (var i = bits - 1; i >= 0; i--)
        {
            WriteBit(((code >> i) & 1) != 0);
        }
    }

    /// <summary>Copies the first <paramref name="count"/> bits of <paramref name="source"/>.</summary>
    public void CopyBits(ReadOnlySpan<byte> source, int count)
    {
        for (var i = 0; i < count; i++)
        {
            WriteBit(((source[i >> 3] >> (7 - (i & 7))) & 1) != 0);
        }
    }

    /// <summary>rbsp_trailing_bits (7.3.2.11): a one, then zeros to the byte boundary.</summary>
    public void WriteTrailingBits()
    {
        WriteBit(true);
        while ((_bitPosition & 7) != 0)
        {
            WriteBit(false);
        }
    }
}
