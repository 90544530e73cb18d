using LiveMux.Media.Codecs.Aac;

namespace LiveMux.Media.Tests.Codecs.Aac;

public sealed class Mp4aSampleEntryTests
{
    [Fact]
    public void Esds_matches_the_descriptor_layout_byte_for_byte()
    {
        var expected = Convert.FromHexString(
            "00000027" + "65736473" + "00000000"    // esds, version 0, flags 0
            + "03" + "19" + "0000" + "00"           // ES_Descriptor, 25 bytes, ES_ID 0, no flags
            + "04" + "11" + "40" + "15" + "000000" + "00000000" + "00000000" // DecoderConfig: MPEG-4 audio, audio stream
            + "05" + "02" + "1210"                  // DecoderSpecificInfo = AudioSpecificConfig
            + "06" + "01" + "02");                  // SLConfig predefined 2
        Assert.Equal(expected, Mp4aSampleEntry.BuildEsds([0x12, 0x10]));
    }

    [Fact]
    public void Sample_entry_wraps_esds_in_an_audio_sample_entry()
    {
        var expected = Convert.FromHexString(
            "0000004B" + "6D703461" + "000000000000" + "0001" // mp4a, reserved, data_reference_index 1
            + "0000000000000000" + "0002" + "0010" + "0000" + "0000" + "AC440000" // 2 channels, 16 bits, 44100 << 16
            + Convert.ToHexString(Mp4aSampleEntry.BuildEsds([0x12, 0x10])));
        Assert.Equal(expected, Mp4aSampleEntry.Build([0x12, 0x10], 2, 44100));
    }

    [Fact]
    public void Rates_beyond_16_16_leave_the_field_zero()
    {
        var entry = Mp4aSampleEntry.Build([0x08, 0x10], 2, 96000);
        Assert.Equal([0, 0, 0, 0], entry.AsSpan(32, 4).ToArray());
    }
}
