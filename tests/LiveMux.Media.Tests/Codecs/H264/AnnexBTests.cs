using LiveMux.Media.Codecs.H264;

namespace LiveMux.Media.Tests.Codecs.H264;

public sealed class AnnexBTests
{
    // stream (hex) -> NAL units (hex, '|' separated; empty = none)
    public static TheoryData<string, string> Cases => new()
    {
        { "", "" },
        { "000000", "" },
        { "000001", "" },
        { "00000001", "" },
        { "0000000100000001", "" },
        { "67", "" },                                            // no start code at all
        { "00000001 6742", "6742" },                             // 4-byte start code
        { "000001 6742", "6742" },                               // 3-byte start code
        { "000001 6742 000001 68CE", "6742|68CE" },
        { "00000001 6742 00000001 68CE 000001 65888480", "6742|68CE|65888480" },
        { "00000001 6742 0000 00000001 68CE 000000", "6742|68CE" }, // trailing_zero_8bits
        { "AABB 000001 09F0 000001 41", "09F0|41" },             // leading garbage skipped
        { "000001 0000030001 000001 41", "0000030001|41" },      // emulation prevention kept
        { "000001 65 00000000000001 41", "65|41" },              // long zero run before a start code
        { "000001 6500 01", "6500 01" },                         // 00 01 alone is not a start code
        { "000001000001 41", "41" },                             // empty NAL unit skipped
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Enumerates_nal_units(string stream, string expected)
    {
        byte[] bytes = Hex(stream);
        var found = new List<string>();
        var ranges = new List<Range>();
        foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(bytes))
        {
            found.Add(Convert.ToHexString(nal));
        }

        var e = AnnexB.EnumerateNalUnits(bytes);
        while (e.MoveNext())
        {
            ranges.Add(e.CurrentRange);
        }

        string[] want = expected.Length == 0 ? [] : expected.Split('|').Select(x => x.Replace(" ", "")).ToArray();
        Assert.Equal(want, found);
        Assert.Equal(want, ranges.Select(r => Convert.ToHexString(bytes[r])).ToArray());
    }

    [Fact]
    public void Every_prefix_yields_whole_nal_units_or_a_prefix_of_the_last()
    {
        byte[] stream = Hex("00000001 674D401E 00000001 68EE3C80 000001 0605FF 000001 65888400 2100");
        string[] full = ["674D401E", "68EE3C80", "0605FF", "65888400 21".Replace(" ", "")];
        for (int len = 0; len <= stream.Length; len++)
        {
            var got = new List<string>();
            foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(stream.AsSpan(0, len)))
            {
                got.Add(Convert.ToHexString(nal));
            }

            for (int i = 0; i < got.Count; i++)
            {
                Assert.StartsWith(got[i], full[i]);
                if (i < got.Count - 1)
                {
                    Assert.Equal(full[i], got[i]);
                }
            }
        }
    }

    [Theory]
    [InlineData("000001 41", 0, 3)]
    [InlineData("AA 00000001 41", 0, 5)]
    [InlineData("000001 41 000001 42", 1, 7)]
    [InlineData("000001 41", 4, -1)]
    [InlineData("000001 41", 5, -1)]
    [InlineData("0000", 0, -1)]
    public void Finds_start_codes(string stream, int from, int expected)
        => Assert.Equal(expected, AnnexB.IndexAfterStartCode(Hex(stream), from));

    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", ""));
}
