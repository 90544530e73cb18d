using LiveMux.Media.Bits;

namespace LiveMux.Media.Tests.Bits;

public sealed class BitReaderTests
{
    // value, exact bit string from H.264 Table 9-2 (written by hand, so the test encoder is checked too).
    public static TheoryData<uint, string> UnsignedCodes => new()
    {
        { 0, "1" },
        { 1, "010" },
        { 2, "011" },
        { 3, "00100" },
        { 6, "00111" },
        { 7, "0001000" },
        { 14, "0001111" },
        { 15, "000010000" },
        { 254, "000000011111111" },
        { 255, "00000000100000000" },
        { 65534, Z(15) + O(16) },
        { 0x7FFFFFFE, Z(30) + O(31) },
        { 0xFFFFFFFE, Z(31) + O(32) }, // the largest ue(v) a 32-bit reader can hold
    };

    public static TheoryData<int, string> SignedCodes => new()
    {
        { 0, "1" },
        { 1, "010" },
        { -1, "011" },
        { 2, "00100" },
        { -2, "00101" },
        { 3, "00110" },
        { -3, "00111" },
        { 128, "00000000100000000" },
        { -128, "00000000100000001" },
        { int.MaxValue, Z(31) + O(31) + "0" },
        { -int.MaxValue, Z(31) + O(32) },
    };

    [Theory]
    [MemberData(nameof(UnsignedCodes))]
    public void Ue_table_drives_encoder_and_reader(uint value, string bits)
    {
        var written = Encode(w => w.Ue(value));
        Assert.Equal(bits, written.Bits);

        // Surround the code with marker bits to catch readers that consume too much or too little.
        var framed = new TestBitWriter().Bit(true).Ue(value).Bits(0b101, 3).ToArray();
        var r = new BitReader(framed);
        Assert.True(r.ReadBit());
        Assert.Equal(value, r.ReadUnsignedExpGolomb());
        Assert.Equal(0b101u, r.ReadBits(3));
        Assert.False(r.Overrun);
    }

    [Theory]
    [MemberData(nameof(SignedCodes))]
    public void Se_table_drives_encoder_and_reader(int value, string bits)
    {
        var written = Encode(w => w.Se(value));
        Assert.Equal(bits, written.Bits);

        var framed = new TestBitWriter().Bits(0, 2).Se(value).Bit(true).ToArray();
        var r = new BitReader(framed);
        Assert.Equal(0u, r.ReadBits(2));
        Assert.Equal(value, r.ReadSignedExpGolomb());
        Assert.True(r.ReadBit());
        Assert.False(r.Overrun);
    }

    [Fact]
    public void Every_ue_up_to_4096_round_trips_in_one_stream()
    {
        var w = new TestBitWriter();
        for (uint v = 0; v <= 4096; v++)
        {
            w.Ue(v).Se(-(int)v);
        }

        var r = new BitReader(w.ToArray());
        for (uint v = 0; v <= 4096; v++)
        {
            Assert.Equal(v, r.ReadUnsignedExpGolomb());
            Assert.Equal(-(int)v, r.ReadSignedExpGolomb());
        }

        Assert.False(r.Overrun);
    }

    [Theory]
    [InlineData(new byte[0], 1)]
    [InlineData(new byte[] { 0xFF }, 9)]
    [InlineData(new byte[] { 0xFF, 0x00 }, 17)]
    public void Reading_past_the_end_sets_overrun_and_returns_zero_bits(byte[] data, int reads)
    {
        var r = new BitReader(data);
        var ones = 0;
        for (var i = 0; i < reads; i++)
        {
            ones += r.ReadBit() ? 1 : 0;
        }

        Assert.True(r.Overrun);
        Assert.Equal(data.Length == 0 ? 0 : 8, ones);
        Assert.Equal(0, r.BitsLeft);
    }

    [Theory]
    [InlineData("0001")] // code cut after its prefix
    [InlineData("00010")] // code cut inside its suffix
    [InlineData("00000000")] // only zeros
    public void Truncated_exp_golomb_sets_overrun(string bits)
    {
        // Right-align the bits so the code ends exactly at the end of the data.
        var data = PackRight(bits);
        var r = new BitReader(data);
        r.Skip((data.Length * 8) - bits.Length);
        r.ReadUnsignedExpGolomb();
        Assert.True(r.Overrun);
    }

    [Fact]
    public void A_prefix_of_32_zeros_is_an_overrun_not_a_wrapped_value()
    {
        var data = new TestBitWriter().Bits(0, 32).Bit(true).Bits(0, 32).ToArray();
        var r = new BitReader(data);
        Assert.Equal(0u, r.ReadUnsignedExpGolomb());
        Assert.True(r.Overrun);
    }

    [Fact]
    public void Skip_past_the_end_clamps_and_sets_overrun()
    {
        var r = new BitReader([0xAA, 0x55]);
        r.Skip(12);
        Assert.False(r.Overrun);
        Assert.Equal(4, r.BitsLeft);
        r.Skip(5);
        Assert.True(r.Overrun);
        Assert.Equal(0, r.BitsLeft);
    }

    private static string Z(int n) => new('0', n);

    private static string O(int n) => new('1', n);

    private static byte[] PackRight(string bits)
    {
        var bytes = (bits.Length + 7) / 8;
        var pad = (bytes * 8) - bits.Length;
        return new TestBitWriter().Bits(0, pad).Bits(Convert.ToUInt64(bits, 2), bits.Length).ToArray();
    }

    private static (string Bits, int Count) Encode(Action<TestBitWriter> write)
    {
        var w = new TestBitWriter();
        write(w);
        var bytes = w.ToArray();
        var s = string.Concat(bytes.Select(b => Convert.ToString(b, 2).PadLeft(8, '0')));
        return (s[..w.BitCount], w.BitCount);
    }
}
