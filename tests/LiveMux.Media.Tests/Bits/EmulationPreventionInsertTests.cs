using LiveMux.Media.Bits;

namespace LiveMux.Media.Tests.Bits;

public sealed class EmulationPreventionInsertTests
{
    // RBSP -> NAL bytes, H.264 7.4.1: 03 goes in after two zeros when the next byte is 00..03.
    public static TheoryData<string, string> Cases => new()
    {
        { "", "" },
        { "00 00", "00 00" },
        { "00 00 00", "00 00 03 00" },
        { "00 00 01", "00 00 03 01" },
        { "00 00 02", "00 00 03 02" },
        { "00 00 03", "00 00 03 03" },
        { "00 00 04", "00 00 04" },
        { "00 00 00 00 00", "00 00 03 00 00 03 00" },
        { "00 01 00 00 01", "00 01 00 00 03 01" },
        { "0D 00 00 00 10 00 00 00 03 C0", "0D 00 00 03 00 10 00 00 03 00 03 C0" }, // the x264 SPS of the Remove table
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Inserts_exactly_the_needed_bytes_and_Remove_undoes_it(string rbsp, string nal)
    {
        var input = Convert.FromHexString(rbsp.Replace(" ", ""));
        var output = new byte[(input.Length * 3 / 2) + 1];
        var length = EmulationPrevention.Insert(input, output);
        Assert.Equal(nal.Replace(" ", ""), Convert.ToHexString(output, 0, length));

        var back = new byte[length];
        Assert.Equal(input, back.AsSpan(0, EmulationPrevention.Remove(output.AsSpan(0, length), back)).ToArray());
    }

    [Fact]
    public void A_destination_too_small_is_reported_not_overrun()
    {
        var output = new byte[3];
        Assert.Equal(-1, EmulationPrevention.Insert([0, 0, 0], output));
    }

    [Fact]
    public void Random_rbsp_round_trips()
    {
        var random = new Random(7_4_1);
        for (var n = 0; n < 500; n++)
        {
            var rbsp = new byte[random.Next(0, 64)];
            for (var i = 0; i < rbsp.Length; i++)
            {
                rbsp[i] = (byte)(random.Next(3) == 0 ? random.Next(256) : random.Next(4)); // mostly 00..03
            }

            var nal = new byte[(rbsp.Length * 3 / 2) + 1];
            var length = EmulationPrevention.Insert(rbsp, nal);
            for (var i = 2; i < length; i++)
            {
                Assert.False(nal[i - 2] == 0 && nal[i - 1] == 0 && nal[i] <= 2, $"00 00 0{nal[i]} left in");
            }

            var back = new byte[length];
            Assert.Equal(rbsp, back.AsSpan(0, EmulationPrevention.Remove(nal.AsSpan(0, length), back)).ToArray());
        }
    }
}
