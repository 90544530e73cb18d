using LiveMux.Media.Codecs.H264;

namespace LiveMux.Media.Tests.Codecs.H264;

public sealed class AvcConfigurationRecordTests
{
    public static TheoryData<string> Samples => SpsSamples.Names;

    [Theory]
    [MemberData(nameof(Samples))]
    public void Record_follows_14496_15_layout(string name)
    {
        var sample = SpsSamples.All[name];
        var sps = sample.SpsBytes;
        var pps = sample.PpsBytes;
        Assert.True(Sps.TryParse(sps, out var parsed, out _));

        var record = AvcConfigurationRecord.Build(sps, pps, parsed);

        Assert.Equal(1, record[0]); // configurationVersion
        Assert.Equal(sps[1..4], record[1..4]); // profile, compatibility, level
        Assert.Equal(0xFF, record[4]); // 4-byte NAL lengths
        Assert.Equal(0xE1, record[5]); // one SPS
        Assert.Equal(sps.Length, (record[6] << 8) | record[7]);
        Assert.Equal(sps, record[8..(8 + sps.Length)]);
        var p = 8 + sps.Length;
        Assert.Equal(1, record[p]);
        Assert.Equal(pps.Length, (record[p + 1] << 8) | record[p + 2]);
        Assert.Equal(pps, record[(p + 3)..(p + 3 + pps.Length)]);
        var tail = record[(p + 3 + pps.Length)..];
        if (parsed.ProfileIdc is 100 or 110 or 122 or 144)
        {
            Assert.Equal(new byte[]
            {
                (byte)(0xFC | sample.ChromaFormatIdc),
                (byte)(0xF8 | (sample.BitDepth - 8)),
                (byte)(0xF8 | (sample.BitDepth - 8)),
                0,
            }, tail);
        }
        else
        {
            Assert.Empty(tail);
        }
    }
}
