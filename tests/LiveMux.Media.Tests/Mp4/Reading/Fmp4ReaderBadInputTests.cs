using System.Buffers.Binary;
using LiveMux.Media.Mp4;
using LiveMux.Media.Mp4.Reading;
using LiveMux.Media.Tests.Codecs.H264;

namespace LiveMux.Media.Tests.Mp4.Reading;

/// <summary>Broken and hostile input: each case fails with its named reason, or waits, and never throws.</summary>
public sealed class Fmp4ReaderBadInputTests
{
    private static byte[] Box(string type, params byte[] payload)
    {
        var box = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        payload.CopyTo(box, 8);
        return box;
    }

    private static byte[] Header(uint size, string type)
    {
        var box = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(box, size);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        return box;
    }

    private static byte[] Valid() =>
        Fmp4ReaderRoundTripTests.Stream(InitSegmentTests.Avc1Track(SpsSamples.All["baseline_320x240"]), out _);

    private static int InitLength => InitSegment.Build([InitSegmentTests.Avc1Track(SpsSamples.All["baseline_320x240"])]).Length;

    public static TheoryData<string, byte[], Fmp4ErrorKind> Cases()
    {
        var valid = Valid();
        var init = InitLength;
        var afterInit = valid[init..];
        var moof = init + ProducerReferenceTime.Size; // each fragment starts with its prft

        // The first fragment's trun data_offset (moof header 8 + mfhd 16 + traf header 8 + tfhd 16 + tfdt 20 + trun 8 + 4) pointed past its mdat.
        var outside = (byte[])valid.Clone();
        BinaryPrimitives.WriteInt32BigEndian(outside.AsSpan(moof + 8 + 16 + 8 + 16 + 20 + 8 + 8 - 4 + 4), 1_000_000);

        // The first trun claims 100000 samples.
        var manySamples = (byte[])valid.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(manySamples.AsSpan(moof + 8 + 16 + 8 + 16 + 20 + 8 + 4), 100_000);

        // moov's first child (mvhd) claims more than moov holds.
        var overrun = (byte[])valid.Clone();
        var moovStart = BinaryPrimitives.ReadInt32BigEndian(valid);
        BinaryPrimitives.WriteUInt32BigEndian(overrun.AsSpan(moovStart + 8), 0x7FFF_0000);

        return new()
        {
            { "moof before moov", afterInit, Fmp4ErrorKind.FragmentBeforeInit },
            { "box bigger than the limit", Header(2 * 1024 * 1024, "moov"), Fmp4ErrorKind.BoxTooLarge },
            { "mdat bigger than its limit", Header(64 * 1024 * 1024, "mdat"), Fmp4ErrorKind.BoxTooLarge },
            { "64-bit size beyond any limit", [.. Header(1, "mdat"), 0xFF, 0, 0, 0, 0, 0, 0, 0], Fmp4ErrorKind.BoxTooLarge },
            { "size smaller than the header", Header(4, "free"), Fmp4ErrorKind.Malformed },
            { "size 0 (to end of file)", Header(0, "mdat"), Fmp4ErrorKind.Unsupported },
            { "sample outside its mdat", outside, Fmp4ErrorKind.SampleOutsideMdat },
            { "more samples than the limit", manySamples, Fmp4ErrorKind.TooManySamples },
            { "a child box overruns moov", overrun, Fmp4ErrorKind.Malformed },
            { "empty moov then a moof", [.. Box("moov"), .. afterInit], Fmp4ErrorKind.FragmentBeforeInit },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_fails_with_its_reason(string name, byte[] input, Fmp4ErrorKind expected)
    {
        var outcome = Fmp4ReaderHarness.Read(input);
        Assert.True(outcome.Last == Fmp4Status.Error, $"{name}: ended {outcome.Last}");
        Assert.False(string.IsNullOrEmpty(outcome.Error));

        using var reader = new Fmp4Reader();
        var buffer = new System.Buffers.ReadOnlySequence<byte>(input);
        Fmp4Status status;
        do
        {
            status = reader.TryRead(ref buffer);
        }
        while (status is Fmp4Status.Init or Fmp4Status.Skipped or Fmp4Status.Samples);

        Assert.Equal(expected, reader.ErrorKind);
        Assert.Equal(Fmp4Status.Error, reader.TryRead(ref buffer)); // stays failed
    }

    [Fact]
    public void Random_garbage_never_throws_and_never_yields_a_sample()
    {
        var random = new Random(3);
        for (var i = 0; i < 2000; i++)
        {
            var input = new byte[random.Next(1, 400)];
            random.NextBytes(input);
            var outcome = Fmp4ReaderHarness.Read(input);
            Assert.Empty(outcome.Samples);
        }
    }

    [Fact]
    public void Mutated_valid_streams_never_throw()
    {
        var valid = Valid();
        var random = new Random(5);
        var outcomes = new Dictionary<Fmp4Status, int>();
        for (var i = 0; i < 3000; i++)
        {
            var input = (byte[])valid.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                input[random.Next(input.Length)] = (byte)random.Next(256);
            }

            var last = Fmp4ReaderHarness.Read(input).Last;
            outcomes[last] = outcomes.GetValueOrDefault(last) + 1;
        }

        Assert.True(outcomes.GetValueOrDefault(Fmp4Status.Error) > 0, "no mutation was detected at all");
    }

    [Fact]
    public void Unknown_top_level_boxes_are_skipped()
    {
        var valid = Valid();
        var init = InitLength;
        byte[] input = [.. Box("free", 1, 2, 3), .. valid[..init], .. Box("prft", new byte[24]), .. valid[init..]];
        var outcome = Fmp4ReaderHarness.Read(input);
        Assert.Equal(Fmp4Status.NeedMore, outcome.Last);
        Assert.Equal(5, outcome.Samples.Count);
    }
}
