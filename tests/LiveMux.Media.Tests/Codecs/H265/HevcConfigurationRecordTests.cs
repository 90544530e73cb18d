using System.Buffers.Binary;
using LiveMux.Media.Codecs.H265;

namespace LiveMux.Media.Tests.Codecs.H265;

public sealed class HevcConfigurationRecordTests
{
    public static TheoryData<string> FfmpegSamples => new(H265SpsSamples.FfmpegHvcC.Keys);

    [Theory]
    [MemberData(nameof(FfmpegSamples))]
    public void Matches_what_ffmpeg_writes_byte_for_byte(string name)
    {
        var s = H265SpsSamples.All[name];
        Assert.True(H265Sps.TryParse(s.SpsBytes, out var sps, out var error), error);
        var record = HevcConfigurationRecord.Build(s.VpsBytes, s.SpsBytes, s.PpsBytes, sps);
        Assert.Equal(H265SpsSamples.FfmpegHvcC[name], Convert.ToHexString(record).ToLowerInvariant());
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Carries_the_sps_fields_and_all_three_parameter_sets(string name)
    {
        var s = H265SpsSamples.All[name];
        Assert.True(H265Sps.TryParse(s.SpsBytes, out var sps, out var error), error);
        var record = HevcConfigurationRecord.Build(s.VpsBytes, s.SpsBytes, s.PpsBytes, sps);

        Assert.Equal(1, record[0]);
        Assert.Equal(WithoutEmulationPrevention(s.SpsBytes)[3..15], record[1..13]); // general PTL, as in the SPS RBSP
        Assert.Equal(0xFC | s.ChromaFormatIdc, record[16]);
        Assert.Equal(0xF8 | (s.BitDepth - 8), record[17]);
        Assert.Equal(0xF8 | (s.BitDepth - 8), record[18]);
        Assert.Equal(3, record[21] & 0x03); // 4-byte NAL lengths
        Assert.Equal(s.MaxSubLayers, (record[21] >> 3) & 0x07);
        Assert.Equal(3, record[22]);

        var arrays = new List<(int Type, byte[] Nal)>();
        var i = 23;
        for (var a = 0; a < 3; a++)
        {
            Assert.Equal(0x80, record[i] & 0xC0); // array_completeness 1, reserved 0
            var type = record[i] & 0x3F;
            Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(i + 1)));
            var length = BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(i + 3));
            arrays.Add((type, record.AsSpan(i + 5, length).ToArray()));
            i += 5 + length;
        }

        Assert.Equal(record.Length, i);
        Assert.Equal([32, 33, 34], arrays.Select(a => a.Type));
        Assert.Equal(s.VpsBytes, arrays[0].Nal);
        Assert.Equal(s.SpsBytes, arrays[1].Nal);
        Assert.Equal(s.PpsBytes, arrays[2].Nal);
    }

    public static TheoryData<string> Samples => H265SpsSamples.Names;

    private static byte[] WithoutEmulationPrevention(byte[] nal)
    {
        var rbsp = new List<byte>();
        for (var i = 0; i < nal.Length; i++)
        {
            if (i >= 2 && nal[i] == 3 && nal[i - 1] == 0 && nal[i - 2] == 0 && (rbsp.Count < 2 || rbsp[^1] == 0))
            {
                continue;
            }

            rbsp.Add(nal[i]);
        }

        return [.. rbsp];
    }
}
