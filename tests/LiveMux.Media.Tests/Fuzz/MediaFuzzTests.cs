using CsCheck;
using LiveMux.Media.Mp4;
using LiveMux.Media.Mp4.Reading;
using LiveMux.Media.Tests.Codecs.H264;
using LiveMux.Media.Tests.Mp4;
using LiveMux.Media.Tests.Mp4.Reading;
using LiveMux.Tests.Fuzz;

namespace LiveMux.Media.Tests.Fuzz;

/// <summary>
/// CsCheck properties over mutated seeds, one per target. In CI each runs <see cref="FuzzRun.CiIterations"/>
/// inputs from a fixed seed; bench/run-fuzz.sh runs each for a million.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class MediaFuzzTests
{
    public static TheoryData<string> ByteTargets => new(FuzzCorpus.ByteTargets.Where(t => t != "fmp4"));

    public static TheoryData<string> RtpTargets => new(FuzzCorpus.RtpTargets);

    [Theory]
    [MemberData(nameof(ByteTargets))]
    public void Byte_parser_keeps_its_properties_on_mutated_seeds(string target)
    {
        var check = Check(target);
        var seeds = FuzzCorpus.AllBytes(target);
        var outcomes = FuzzRun.Check(target, ByteMutator.Of(seeds, target == "sdp" ? 1024 : 64), check, ByteMutator.Hex);

        // Mutated seeds must reach both sides of the parser, or the property tests one of them only.
        Assert.True(outcomes.GetValueOrDefault("rejected") > 0, string.Join(", ", outcomes));
        Assert.True(outcomes.Where(o => o.Key != "rejected").Sum(o => o.Value) > 0, string.Join(", ", outcomes));
    }

    [Fact]
    public void Fmp4_reader_keeps_its_properties_on_mutated_streams()
    {
        var seeds = FuzzCorpus.AllBytes("fmp4");
        var outcomes = FuzzRun.Check("fmp4", Gen.Select(ByteMutator.Of(seeds, 2048), Gen.Int[1, 700]),
            input => MediaFuzzTargets.Fmp4(input.Item1, input.Item2),
            input => $"segment {input.Item2}: {ByteMutator.Hex(input.Item1)}", ciIterations: 150);
        Assert.True(outcomes.GetValueOrDefault("error") > 0 && outcomes.GetValueOrDefault("samples") > 0, string.Join(", ", outcomes));
    }

    /// <summary>Round trip through our own writer: any frame table comes back sample for sample, however the bytes are split.</summary>
    [Fact]
    public void Fmp4_writer_output_reads_back_sample_for_sample()
    {
        var track = InitSegmentTests.Avc1Track(SpsSamples.All["main_640x360_cropped"]);
        var frame = Gen.Select(Gen.UInt[1, 100_000], Gen.Bool, Gen.Int[-90_000, 90_000], Gen.Int[1, 3000]);
        var gen = Gen.Select(Gen.ULong[0, long.MaxValue / 2], frame.Array[1, 6], Gen.Int[1, 500], Gen.Int);
        FuzzRun.Check("fmp4-roundtrip", gen, input =>
        {
            var (start, frames, segment, fill) = input;
            var output = new MemoryStream();
            output.Write(InitSegment.Build([track]));
            var random = new Random(fill);
            var payloads = new List<byte[]>();
            var dts = start;
            for (var i = 0; i < frames.Length; i++)
            {
                var (duration, sync, cto, size) = frames[i];
                var sample = new byte[size];
                random.NextBytes(sample);
                payloads.Add(sample);
                var buffer = new byte[MediaFragment.HeaderSize + size];
                MediaFragment.Write(buffer, new FragmentHeader((uint)i + 1, 1, dts, duration, size, sync, cto), sample);
                output.Write(buffer);
                dts += duration;
            }

            var read = Fmp4ReaderHarness.Read(output.ToArray(), segment);
            Assert.Null(read.Error);
            Assert.Equal(0, read.Unconsumed);
            Assert.Equal(frames.Length, read.Samples.Count);
            dts = start;
            for (var i = 0; i < frames.Length; i++)
            {
                var s = read.Samples[i];
                Assert.Equal(payloads[i], s.Data);
                Assert.Equal((long)dts, s.Dts);
                Assert.Equal((long)dts + frames[i].Item3, s.Pts);
                Assert.Equal(frames[i].Item1, s.Duration);
                Assert.Equal(frames[i].Item2, s.Sync);
                dts += frames[i].Item1;
            }

            return "equal";
        }, input => $"start {input.Item1}, frames {string.Join(" ", input.Item2)}, segment {input.Item3}", ciIterations: 100);
    }

    [Theory]
    [MemberData(nameof(RtpTargets))]
    public void Depacketizer_keeps_its_properties_on_mutated_packet_sequences(string target)
    {
        var seeds = FuzzCorpus.AllRtp(target);
        var outcomes = FuzzRun.Check(target, RtpMutator.Of(seeds), input => MediaFuzzTargets.Depacketize(seeds[input.Seed].Track, input.Packets),
            input => $"seed {seeds[input.Seed].Name}: " + string.Join(" ", input.Packets.Select(ByteMutator.Hex)), ciIterations: 150);
        Assert.True(outcomes.GetValueOrDefault("units") > 0, string.Join(", ", outcomes));
    }

    internal static Func<byte[], string> Check(string target) => target switch
    {
        "sdp" => MediaFuzzTargets.Sdp,
        "h264-sps" => MediaFuzzTargets.H264Sps,
        "h265-sps" => MediaFuzzTargets.H265Sps,
        "aac-asc" => MediaFuzzTargets.AudioSpecificConfig,
        "latm-smc" => MediaFuzzTargets.StreamMuxConfig,
        "fmp4" => input => MediaFuzzTargets.Fmp4(input, 7),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };
}
