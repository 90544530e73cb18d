namespace LiveMux.Media.Codecs.Flac;

/// <summary>MSB-first bit writer into a span the caller sized for the worst case.</summary>
internal ref struct FlacBitWriter
{
    private readonly Span<byte> _buffer;
    private int _bitPosition;

    public FlacBitWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _bitPosition = 0;
    }

    public readonly int BytePosition => (_bitPosition + 7) >> 3;

    public readonly bool ByteAligned => (_bitPosition & 7) == 0;

    /// <summary>Writes the low <paramref name="count"/> bits (at most 32) of <paramref name="value"/>.</summary>
    public void Write(uint value, int count)
    {
        // A byte at a time: a Rice-coded block is mostly short codes, and bit-by-bit writing dominated G.711 -> FLAC.
        while (count > 0)
        {
            var index = _bitPosition >> 3;
            var free = 8 - (_bitPosition & 7);
            var take = Math.Min(free, count);
            if (free == 8)
            {
                _buffer[index] = 0;
            }

            var bits = (value >> (count - take)) & ((1u << take) - 1);
            _buffer[index] |= (byte)(bits << (free - take));
            _bitPosition += take;
            count -= take;
        }
    }

    public void WriteSigned(int value, int count) => Write(unchecked((uint)value) & (count == 32 ? uint.MaxValue : (1u << count) - 1), count);

    /// <summary>Writes <paramref name="zeros"/> zero bits then a one (unary code).</summary>
    public void WriteUnary(uint zeros)
    {
        for (; zeros >= 32; zeros -= 32)
        {
            Write(0, 32);
        }

        Write(1, (int)zeros + 1);
    }

    public void AlignToByte()
    {
        while ((_bitPosition & 7) != 0)
        {
            WriteBit(false);
        }
    }

    private void WriteBit(bool bit)
    {
        var index = _bitPosition >> 3;
        var mask = (byte)(0x80 >> (_bitPosition & 7));
        if ((_bitPosition & 7) == 0)
        {
            _buffer[index] = 0;
        }

        if (bit)
        {
            _buffer[index] |= mask;
        }

        _bitPosition++;
    }
}
