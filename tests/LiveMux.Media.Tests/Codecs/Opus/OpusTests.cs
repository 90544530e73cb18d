using LiveMux.Media.Codecs.Opus;

namespace LiveMux.Media.Tests.Codecs.Opus;

public sealed class OpusTests
{
    // packet hex, duration in 48 kHz samples (RFC 6716 3.1 table 2 and 3.2); 0 = malformed
    [Theory]
    [InlineData("00", 480)]     // config 0: SILK NB 10 ms, code 0
    [InlineData("08", 960)]     // config 1: SILK NB 20 ms
    [InlineData("10", 1920)]    // config 2: SILK NB 40 ms
    [InlineData("18", 2880)]    // config 3: SILK NB 60 ms
    [InlineData("58", 2880)]    // config 11: SILK WB 60 ms
    [InlineData("60", 480)]     // config 12: hybrid SWB 10 ms
    [InlineData("78", 960)]     // config 15: hybrid FB 20 ms
    [InlineData("80", 120)]     // config 16: CELT NB 2.5 ms
    [InlineData("88", 240)]     // config 17: CELT NB 5 ms
    [InlineData("F0", 480)]     // config 30: CELT FB 10 ms
    [InlineData("F8", 960)]     // config 31: CELT FB 20 ms
    [InlineData("FC", 960)]     // stereo flag changes nothing
    [InlineData("F9", 1920)]    // code 1: two equal frames
    [InlineData("FA", 1920)]    // code 2: two frames
    [InlineData("FB03", 2880)]  // code 3: three frames
    [InlineData("FB06", 5760)]  // code 3: six 20 ms frames = 120 ms, the maximum
    [InlineData("1B02", 5760)]  // code 3: two 60 ms frames
    [InlineData("FB07", 0)]     // 140 ms: too long
    [InlineData("FB00", 0)]     // code 3 with zero frames
    [InlineData("FB", 0)]       // code 3 without its count byte
    [InlineData("", 0)]
    public void Duration_comes_from_the_toc(string hex, int expected) =>
        Assert.Equal(expected, OpusPacket.Duration(Convert.FromHexString(hex)));

    [Fact]
    public void DOps_matches_the_specification_byte_for_byte()
    {
        var expected = Convert.FromHexString(
            "00000013" + "644F7073" // dOps, 19 bytes
            + "00" + "02" + "0138" + "0000BB80" + "0000" + "00"); // version 0, 2 channels, pre-skip 312, 48000, gain 0, family 0
        Assert.Equal(expected, OpusSampleEntry.BuildDOps(2, 48000));
    }

    [Fact]
    public void Sample_entry_is_Opus_at_48_kHz()
    {
        var entry = OpusSampleEntry.Build(1, 16000);
        Assert.Equal("Opus"u8.ToArray(), entry.AsSpan(4, 4).ToArray());
        Assert.Equal(0x37, entry[3]);
        Assert.Equal(Convert.FromHexString("0001" + "0010" + "0000" + "0000" + "BB800000"), entry.AsSpan(24, 12).ToArray());
        Assert.Equal(OpusSampleEntry.BuildDOps(1, 16000), entry.AsSpan(36).ToArray());
    }
}
