using LiveMux.Media.Bits;

namespace LiveMux.Media.Tests.Bits;

/// <summary>One table drives BitWriter and BitReader: fields written, the bytes they make, and the same fields read back.</summary>
public sealed class BitWriterTests
{
    // Fields: 'b1'/'b0' one bit, 'uN' ue(v) N, 'n8:N' an 8-bit field; the bytes include the rbsp trailing bits.
    [Theory]
    [InlineData("b1", "C0")]
    [InlineData("u0", "C0")]
    [InlineData("u1", "50")]
    [InlineData("u2", "70")]
    [InlineData("u3", "24")]
    [InlineData("u15", "0840")]
    [InlineData("n8:255 b0 u7", "FF0880")]
    [InlineData("b1 u2 u1 u15 u15 u0 u3", "B4100849")]
    public void Writes_the_fields_and_reads_them_back(string fields, string expectedHex)
    {
        var buffer = new byte[16];
        var w = new BitWriter(buffer);
        foreach (var field in fields.Split(' '))
        {
            switch (field[0])
            {
                case 'b':
                    w.WriteBit(field[1] == '1');
                    break;
                case 'u':
                    w.WriteUnsignedExpGolomb(uint.Parse(field[1..]));
                    break;
                default:
                    w.WriteBits(uint.Parse(field[3..]), 8);
                    break;
            }
        }

        w.WriteTrailingBits();
        Assert.False(w.Overrun);
        Assert.Equal(expectedHex, Convert.ToHexString(buffer, 0, w.ByteLength));

        var r = new BitReader(buffer.AsSpan(0, w.ByteLength));
        foreach (var field in fields.Split(' '))
        {
            switch (field[0])
            {
                case 'b':
                    Assert.Equal(field[1] == '1', r.ReadBit());
                    break;
                case 'u':
                    Assert.Equal(uint.Parse(field[1..]), r.ReadUnsignedExpGolomb());
                    break;
                default:
                    Assert.Equal(uint.Parse(field[3..]), r.ReadBits(8));
                    break;
            }
        }

        Assert.True(r.ReadBit()); // rbsp_stop_one_bit
        Assert.True(r.BitsLeft < 8);
        Assert.False(r.Overrun);
    }

    [Fact]
    public void Writing_past_the_end_sets_overrun()
    {
        var w = new BitWriter(new byte[1]);
        w.WriteBits(0xFF, 8);
        Assert.False(w.Overrun);
        w.WriteBit(true);
        Assert.True(w.Overrun);
    }

    [Fact]
    public void CopyBits_copies_a_prefix_bit_for_bit()
    {
        byte[] source = [0b1011_0110, 0b1100_0000];
        var buffer = new byte[2];
        var w = new BitWriter(buffer);
        w.CopyBits(source, 10);
        Assert.Equal(10, w.BitPosition);
        Assert.Equal([0b1011_0110, 0b1100_0000], buffer);
    }
}
