using System.Buffers.Binary;
using LiveMux.Media.Codecs.Flac;
using LiveMux.Media.Tests.Mp4;

namespace LiveMux.Media.Tests.Codecs.Flac;

/// <summary>
/// The FLAC encoder against ffmpeg's FLAC decoder, with its CRC checks on: blocks of many sizes and signals,
/// written as a native .flac stream (fLaC, STREAMINFO, frames), must decode back to the exact samples.
/// </summary>
public sealed class FlacTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-flac-").FullName;

    [Fact]
    public void Crcs_give_the_catalogue_check_values()
    {
        Assert.Equal(0xF4, FlacCrc.Crc8("123456789"u8)); // CRC-8/SMBUS
        Assert.Equal(0xFEE8, FlacCrc.Crc16("123456789"u8)); // CRC-16/UMTS
    }

    [Fact]
    public void DfLa_matches_the_specification_byte_for_byte()
    {
        var expected = Convert.FromHexString(
            "00000032" + "64664C61" + "00000000" // dfLa, version 0, flags 0
            + "80" + "000022"                    // last metadata block, STREAMINFO, 34 bytes
            + "0010" + "1000"                    // min block 16, max block 4096
            + "000000" + "000000"                // frame sizes unknown
            + "01F400F0" + "00000000"            // 8000 Hz | 1 channel | 16 bits | total samples unknown
            + "00000000000000000000000000000000"); // MD5 unknown
        Assert.Equal(expected, FlacSampleEntry.BuildDfLa(1, 8000, 4096));
        var entry = FlacSampleEntry.Build(1, 8000, 4096);
        Assert.Equal("fLaC"u8.ToArray(), entry.AsSpan(4, 4).ToArray());
        Assert.Equal(expected, entry.AsSpan(36).ToArray());
    }

    public static TheoryData<string, int, int, long> Streams => new()
    {
        // signal, channels, sample rate (each rate code path: table, kHz, Hz, tens of Hz), first sample number
        { "sine", 1, 8000, 0 },
        { "silence", 1, 8000, 0 },
        { "noise", 1, 16000, 0 },
        { "full_scale_square", 1, 48000, 0 },
        { "ramp", 2, 44100, 0 },
        { "stereo_mixed", 2, 22000, 1_000_000 },
        // ffmpeg (and so Chrome) reads sample numbers up to the 6-byte form only, below 2^31.
        { "sine", 1, 11025, 0x7FFF_0000 },
        { "sine", 2, 96010, 0x3FF_FF00 },
        { "mixed", 8, 8000, 0 },
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public void Ffmpeg_decodes_every_frame_back_to_the_input(string signal, int channels, int rate, long firstSample)
    {
        // Variable block sizes, including the extremes of the 8- and 16-bit size fields and a block of one.
        int[] blockSizes = [160, 1, 2, 5, 15, 16, 17, 255, 256, 257, 1000, 4096, 160, 320, 80];
        var random = new Random(signal.Length * 31 + channels);
        var frames = new List<byte[]>();
        var input = new List<short>();
        var sampleNumber = firstSample;
        var t = 0;
        foreach (var blockSize in blockSizes)
        {
            var block = new short[blockSize * channels];
            for (var i = 0; i < blockSize; i++, t++)
            {
                for (var c = 0; c < channels; c++)
                {
                    block[(i * channels) + c] = Sample(signal == "mixed" ? (c % 2 == 0 ? "noise" : "sine") : signal == "stereo_mixed" ? (c == 0 ? "sine" : "noise") : signal, t, c, random);
                }
            }

            var frame = new byte[FlacFrameEncoder.MaxFrameBytes(blockSize, channels)];
            var length = FlacFrameEncoder.Encode(block, channels, rate, sampleNumber, frame);
            Assert.True(length > 0);
            frames.Add(frame[..length]);
            input.AddRange(block);
            sampleNumber += blockSize;
        }

        var path = Path.Combine(_dir, $"{signal}_{channels}_{rate}.flac");
        WriteNativeFlac(path, channels, rate, blockSizes.Max(), frames);
        var output = path + ".pcm";
        var run = ExternalTool.Run("ffmpeg", "-v", "error", "-err_detect", "crccheck+bitstream+buffer+explode", "-y",
            "-i", path, "-f", "s16le", "-c:a", "pcm_s16le", output);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr);
        var decoded = File.ReadAllBytes(output).Chunk(2).Select(b => BinaryPrimitives.ReadInt16LittleEndian(b)).ToArray();
        Assert.Equal(input.Count, decoded.Length);
        Assert.True(input.SequenceEqual(decoded), "decoded samples differ from the input");
    }

    // signal, subframe header byte: 0x00 CONSTANT, 0x02 VERBATIM, 0x10 + 2 x order FIXED
    [Theory]
    [InlineData("silence", 0x00, 0x00)]
    [InlineData("noise", 0x02, 0x02)]
    [InlineData("sine", 0x10, 0x18)]
    public void Picks_the_smallest_subframe(string signal, int lowest, int highest)
    {
        var random = new Random(7);
        var block = Enumerable.Range(0, 160).Select(t => Sample(signal, t, 0, random)).ToArray();
        var frame = new byte[FlacFrameEncoder.MaxFrameBytes(160, 1)];
        var length = FlacFrameEncoder.Encode(block, 1, 8000, 0, frame);

        // Header: FF F9, block size and rate codes, channels and sample size, sample number 0, size-1, CRC-8.
        Assert.Equal(Convert.FromHexString("FFF96408009F"), frame[..6]);
        Assert.Equal(FlacCrc.Crc8(frame.AsSpan(0, 6)), frame[6]);
        Assert.InRange(frame[7], lowest, highest);
        var verbatim = 7 + 1 + 320 + 2;
        Assert.True(signal == "noise" ? length == verbatim : length < verbatim * 3 / 4, $"{signal}: {length} bytes");
        Assert.Equal(FlacCrc.Crc16(frame.AsSpan(0, length - 2)), BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(length - 2)));
    }

    // sample number, its coded bytes (RFC 9639 9.1.5, UTF-8 extended to 36 bits)
    [Theory]
    [InlineData(0L, "00")]
    [InlineData(0x7FL, "7F")]
    [InlineData(0x80L, "C280")]
    [InlineData(0x7FFL, "DFBF")]
    [InlineData(0x800L, "E0A080")]
    [InlineData(0xFFFFL, "EFBFBF")]
    [InlineData(0x10000L, "F0908080")]
    [InlineData(0x7FFF_FFFFL, "FDBFBFBFBFBF")]
    [InlineData(0x8000_0000L, "FE828080808080")]
    [InlineData((1L << 36) - 1, "FEBFBFBFBFBFBF")]
    public void Sample_numbers_are_coded_like_utf8(long number, string hex)
    {
        var frame = new byte[FlacFrameEncoder.MaxFrameBytes(16, 1)];
        Assert.True(FlacFrameEncoder.Encode(new short[16], 1, 8000, number, frame) > 0);
        var coded = Convert.FromHexString(hex);
        Assert.Equal(coded, frame.AsSpan(4, coded.Length).ToArray());
        Assert.Equal(15, frame[4 + coded.Length]); // block size - 1 follows
    }

    [Theory]
    [InlineData(0, 1, 8000, 0)]            // no samples
    [InlineData(160, 9, 8000, 0)]          // nine channels
    [InlineData(160, 1, 0, 0)]             // no rate
    [InlineData(160, 1, 8000, -1)]         // negative sample number
    [InlineData(160, 1, 8000, 1L << 36)]   // sample number past 36 bits
    [InlineData(65536, 1, 8000, 0)]        // block too large for the 16-bit field
    public void Refuses_what_flac_cannot_carry(int samples, int channels, int rate, long sampleNumber)
    {
        var frame = new byte[FlacFrameEncoder.MaxFrameBytes(Math.Max(1, samples), Math.Max(1, channels))];
        Assert.Equal(0, FlacFrameEncoder.Encode(new short[samples * channels], channels, rate, sampleNumber, frame));
    }

    private static short Sample(string signal, int t, int channel, Random random) => signal switch
    {
        "silence" => 0,
        "noise" => (short)random.Next(short.MinValue, short.MaxValue + 1),
        "full_scale_square" => (t / 7) % 2 == 0 ? short.MaxValue : short.MinValue,
        "ramp" => (short)((t * 97 * (channel + 1)) % 65536 - 32768),
        _ => (short)Math.Round(30000 * Math.Sin(2 * Math.PI * (440 + (channel * 110)) * t / 8000.0)),
    };

    /// <summary>RFC 9639 section 6-8: "fLaC", a last STREAMINFO block, then the frames.</summary>
    private static void WriteNativeFlac(string path, int channels, int rate, int maxBlock, List<byte[]> frames)
    {
        var header = new byte[4 + 4 + 34];
        "fLaC"u8.CopyTo(header);
        header[4] = 0x80;
        header[7] = 34;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(8), 1); // min block: the stream has a block of one
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), (ushort)maxBlock);
        var packed = ((ulong)rate << 44) | ((ulong)(channels - 1) << 41) | (15UL << 36);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(18), packed);
        using var file = File.Create(path);
        file.Write(header);
        foreach (var frame in frames)
        {
            file.Write(frame);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
