using LiveMux.Media.Mp4;
using LiveMux.Media.Mp4.Reading;
using LiveMux.Media.Rtp;
using LiveMux.Media.Tests.Codecs.H264;

namespace LiveMux.Media.Tests.Mp4.Reading;

/// <summary>The reader against our own writers: what InitSegment and MediaFragment write comes back sample for sample.</summary>
public sealed class Fmp4ReaderRoundTripTests
{
    // (dts, duration, keyframe, composition offset, size)
    private static readonly (ulong Dts, uint Duration, bool Sync, int Cto, int Size)[] Frames =
    [
        (900_000, 3000, true, 6000, 4000),
        (903_000, 3000, false, -3000, 700),
        (906_000, 3000, false, 0, 1),
        (909_000, 3600, false, 3000, 6_000),
        (912_600, 3000, true, 0, 12),
    ];

    internal static byte[] Stream(TrackConfig track, out List<byte[]> payloads)
    {
        var output = new MemoryStream();
        output.Write(InitSegment.Build([track]));
        payloads = [];
        var random = new Random(7);
        uint sequence = 0;
        foreach (var f in Frames)
        {
            var sample = new byte[f.Size];
            random.NextBytes(sample);
            payloads.Add(sample);
            var buffer = new byte[MediaFragment.HeaderSize + f.Size];
            MediaFragment.Write(buffer, new FragmentHeader(++sequence, 1, f.Dts, f.Duration, f.Size, f.Sync, f.Cto), sample);
            output.Write(buffer);
        }

        return output.ToArray();
    }

    public static TheoryData<string> Samples => new(SpsSamples.All.Keys);

    [Theory]
    [MemberData(nameof(Samples))]
    public void Init_segment_gives_back_the_track_config(string name)
    {
        var track = InitSegmentTests.Avc1Track(SpsSamples.All[name]);
        var outcome = Fmp4ReaderHarness.Read(InitSegment.Build([track]));

        var read = Assert.Single(outcome.Tracks);
        Assert.Equal(1u, read.TrackId);
        Assert.Null(read.Unsupported);
        Assert.Equal(track, read.Config); // codec, timescale and the sample entry's bytes
        Assert.Equal(SpsSamples.All[name].Codec, read.Config!.Codec);
        Assert.Equal((track.Width, track.Height), (read.Config.Width, read.Config.Height));
        Assert.Equal(0, outcome.Unconsumed);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(4096)]
    [InlineData(7)]
    [InlineData(1)]
    public void Fragments_give_back_every_sample_with_its_times_and_flags(int segment)
    {
        var input = Stream(InitSegmentTests.Avc1Track(SpsSamples.All["baseline_320x240"]), out var payloads);
        var outcome = Fmp4ReaderHarness.Read(input, segment);

        Assert.Equal(Fmp4Status.NeedMore, outcome.Last);
        Assert.Equal(0, outcome.Unconsumed);
        Assert.Equal(Frames.Length, outcome.Samples.Count);
        for (var i = 0; i < Frames.Length; i++)
        {
            var s = outcome.Samples[i];
            Assert.Equal(payloads[i], s.Data);
            Assert.Equal((long)Frames[i].Dts, s.Dts);
            Assert.Equal((long)Frames[i].Dts + Frames[i].Cto, s.Pts);
            Assert.Equal(Frames[i].Duration, s.Duration);
            Assert.Equal(Frames[i].Sync, s.Sync);
        }
    }

    [Fact]
    public void Every_prefix_needs_more_and_never_fails_or_invents_a_sample()
    {
        var input = Stream(InitSegmentTests.Avc1Track(SpsSamples.All["baseline_320x240"]), out _);
        var fragmentStarts = new List<int>();
        var whole = Fmp4ReaderHarness.Read(input);
        for (var length = 0; length < input.Length; length += length < 2000 ? 1 : 97)
        {
            var outcome = Fmp4ReaderHarness.Read(input[..length]);
            Assert.Equal(Fmp4Status.NeedMore, outcome.Last);
            Assert.True(outcome.Samples.Count < whole.Samples.Count, $"prefix {length} gave every sample");
            for (var i = 0; i < outcome.Samples.Count; i++)
            {
                Assert.Equal(whole.Samples[i].Data, outcome.Samples[i].Data);
            }
        }
    }
}
