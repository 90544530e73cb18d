namespace LiveMux.Media.Tests.Bits;

/// <summary>
/// Test-side MSB-first bit writer with the exp-Golomb codes of H.264 9.1, written from the spec
/// independently of BitReader so one table can drive encode and decode.
/// </summary>
internal sealed class TestBitWriter
{
    private readonly List<bool> _bits = [];

    public int BitCount => _bits.Count;

    public TestBitWriter Bit(bool bit)
    {
        _bits.Add(bit);
        return this;
    }

    public TestBitWriter Bits(ulong value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            _bits.Add(((value >> i) & 1) != 0);
        }

        return this;
    }

    /// <summary>ue(v): codeNum + 1 in binary, preceded by as many zeros as it has bits after the leading one.</summary>
    public TestBitWriter Ue(uint value)
    {
        var codePlusOne = (ulong)value + 1;
        var length = 64 - System.Numerics.BitOperations.LeadingZeroCount(codePlusOne);
        Bits(0, length - 1);
        return Bits(codePlusOne, length);
    }

    /// <summary>se(v): k > 0 maps to 2k - 1, k &lt;= 0 maps to -2k (Table 9-3).</summary>
    public TestBitWriter Se(int value) => Ue(value > 0 ? (uint)((2L * value) - 1) : (uint)(-2L * value));

    /// <summary>rbsp_trailing_bits: a one, then zeros up to the byte boundary.</summary>
    public TestBitWriter TrailingBits()
    {
        Bit(true);
        while (_bits.Count % 8 != 0)
        {
            Bit(false);
        }

        return this;
    }

    /// <summary>The bits so far, zero-padded to whole bytes.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[(_bits.Count + 7) / 8];
        for (var i = 0; i < _bits.Count; i++)
        {
            if (_bits[i])
            {
                bytes[i >> 3] |= (byte)(0x80 >> (i & 7));
            }
        }

        return bytes;
    }
}
