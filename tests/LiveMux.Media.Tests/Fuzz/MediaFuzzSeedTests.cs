using LiveMux.Media.Formats;
using LiveMux.Media.Rtp;
using LiveMux.Media.Tests.Formats;
using LiveMux.Media.Tests.Rtp;

namespace LiveMux.Media.Tests.Fuzz;

/// <summary>
/// Replays every committed seed (TestData/Fuzz) through its target. Seeds named <c>crash-*</c> are inputs that
/// once broke a property: they only have to pass the target's checks. All others are valid inputs and must also
/// be accepted, so the fuzzer starts from inputs that reach deep into the parser.
/// </summary>
public sealed class MediaFuzzSeedTests
{
    public static TheoryData<string, string> ByteSeeds => Seeds(FuzzCorpus.ByteTargets);

    public static TheoryData<string, string> RtpSeeds => Seeds(FuzzCorpus.RtpTargets);

    [Theory]
    [MemberData(nameof(ByteSeeds))]
    public void Byte_seed_passes_its_target(string target, string name)
    {
        var input = FuzzCorpus.Bytes(target, name);
        MediaFuzzTests.Check(target)(input);
        if (target == "fmp4")
        {
            // Split at every byte, and at a few odd sizes.
            foreach (var segment in new[] { 1, 3, 64, 511 })
            {
                MediaFuzzTargets.Fmp4(input, segment);
            }
        }

        if (!name.StartsWith("crash-", StringComparison.Ordinal))
        {
            Assert.True(Accepts(target, input), $"{target}/{name} is not a valid input");
        }
    }

    [Theory]
    [MemberData(nameof(RtpSeeds))]
    public void Rtp_seed_passes_its_target_and_gives_units(string target, string name)
    {
        var seed = FuzzCorpus.Rtp(target, name);
        MediaFuzzTargets.Depacketize(seed.Track, seed.Packets);
        if (!name.StartsWith("crash-", StringComparison.Ordinal))
        {
            using var depacketizer = MseDepacketizer.TryCreate(seed.Track)!;
            var units = 0;
            foreach (var data in seed.Packets)
            {
                Assert.Equal(RtpParseStatus.Ok, RtpPacket.TryParse(data, out var packet));
                if (depacketizer.Push(packet, out var unit) == DepacketizeStatus.AccessUnit)
                {
                    unit.Dispose();
                    units++;
                }
            }

            Assert.True(units >= 2, $"{target}/{name} gave {units} units");
        }
    }

    /// <summary>The corpus holds every seed the test tables give (LIVEMUX_FUZZ_WRITE_SEEDS=1 writes them).</summary>
    [Fact]
    public void Corpus_holds_the_seeds_built_from_the_test_tables()
    {
        var write = Environment.GetEnvironmentVariable("LIVEMUX_FUZZ_WRITE_SEEDS") == "1";
        var built = FuzzSeeds.Build().ToList();
        Assert.True(built.Count > 30);
        foreach (var (target, file, content) in built)
        {
            if (write)
            {
                Directory.CreateDirectory(Path.Combine(FuzzCorpus.SourceDirectory, target));
                File.WriteAllBytes(Path.Combine(FuzzCorpus.SourceDirectory, target, file), content);
                continue;
            }

            var path = Path.Combine(FuzzCorpus.Directory, target, file);
            Assert.True(File.Exists(path), $"{target}/{file} is missing from the corpus");
            Assert.Equal(content, File.ReadAllBytes(path));
        }

        Assert.All(FuzzCorpus.ByteTargets.Concat(FuzzCorpus.RtpTargets), t => Assert.NotEmpty(FuzzCorpus.Names(t)));
    }

    private static bool Accepts(string target, byte[] input) => target switch
    {
        "sdp" => global::LiveMux.Media.Sdp.SessionDescription.TryParse(input, out _, out _),
        "h264-sps" => global::LiveMux.Media.Codecs.H264.Sps.TryParse(input, out _, out _),
        "h265-sps" => global::LiveMux.Media.Codecs.H265.H265Sps.TryParse(input, out _, out _),
        "aac-asc" => global::LiveMux.Media.Codecs.Aac.AudioSpecificConfig.TryParse(input, out _, out _),
        "latm-smc" => global::LiveMux.Media.Codecs.Aac.StreamMuxConfig.TryParse(input, out _, out _),
        "fmp4" => global::LiveMux.Media.Tests.Mp4.Reading.Fmp4ReaderHarness.Read(input).Samples.Count > 0,
        _ => false,
    };

    private static TheoryData<string, string> Seeds(string[] targets)
    {
        var data = new TheoryData<string, string>();
        foreach (var target in targets)
        {
            var dir = Path.Combine(FuzzCorpus.Directory, target);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var name in FuzzCorpus.Names(target))
            {
                data.Add(target, name);
            }
        }

        return data;
    }
}
