using LiveMux.Media.Bits;

namespace LiveMux.Media.Tests.Bits;

public sealed class EmulationPreventionTests
{
    // NAL bytes (with emulation prevention) -> RBSP, H.264 7.4.1.
    public static TheoryData<string, string> Cases => new()
    {
        { "", "" },
        { "67 42", "67 42" },
        { "00 00 03 00", "00 00 00" },
        { "00 00 03 01", "00 00 01" },
        { "00 00 03 02", "00 00 02" },
        { "00 00 03 03", "00 00 03" },
        { "00 00 03", "00 00" }, // cabac_zero_word tail: the 03 is still an emulation byte
        { "00 03 00", "00 03 00" }, // one zero is not enough
        { "01 00 03 00", "01 00 03 00" },
        { "00 00 00 03 01", "00 00 00 01" }, // three zeros, then 03
        { "00 00 03 00 00 03 00", "00 00 00 00 00" }, // back to back
        { "00 00 03 03 00 00 03 01", "00 00 03 00 00 01" }, // the second 03 is data
        { "00 00 03 00 03", "00 00 00 03" }, // counting restarts after a removed byte
        { "AA 00 00 03 04 BB", "AA 00 00 04 BB" },
        { "0D 00 00 03 00 10 00 00 03 00 03 C0", "0D 00 00 00 10 00 00 00 03 C0" }, // from the x264 SPS below
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Removes_exactly_the_inserted_bytes(string nal, string rbsp)
    {
        var input = Convert.FromHexString(nal.Replace(" ", ""));
        var output = new byte[input.Length];
        var length = EmulationPrevention.Remove(input, output);
        Assert.Equal(rbsp.Replace(" ", ""), Convert.ToHexString(output, 0, length));
    }

    [Fact]
    public void Output_never_exceeds_input_for_random_data()
    {
        var random = new Random(6184);
        for (var i = 0; i < 2000; i++)
        {
            var input = new byte[random.Next(0, 64)];
            for (var j = 0; j < input.Length; j++)
            {
                input[j] = (byte)random.Next(0, 4); // dense in 00 and 03
            }

            var output = new byte[input.Length];
            var length = EmulationPrevention.Remove(input, output);
            var removed = input.Length - length;
            Assert.InRange(removed, 0, input.Length / 3);
        }
    }
}
