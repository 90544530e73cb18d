using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H265;
using LiveMux.Media.Tests.Codecs.H265;
using static LiveMux.Media.Tests.Rtp.SyntheticH265;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// RFC 7798: frames -> test packetizer -> H265Depacketizer -> the same frames, byte for byte; then loss,
/// malformed packets, limits and parameter sets. Frame assembly is shared with H.264 (NalDepacketizer), so
/// these cases are about what differs: the two-byte header, AP/FU layout, IRAP keyframes and the VPS.
/// </summary>
public sealed class H265DepacketizerTests
{
    internal sealed record RoundTrip(string Kinds, SyntheticH265.Stream Stream, PacketizerOptions Packetizer, bool Sprop = false);

    // Kinds: S single NAL unit, A aggregation packet, F fragmentation unit.
    private static readonly Dictionary<string, RoundTrip> RoundTrips = new()
    {
        ["single_nal_only"] = new("S", new(KeySliceBytes: 400, SliceBytes: 200), new() { Mtu = 1400, Aggregate = false }),
        ["ap_vps_sps_pps_sei"] = new("A", new(KeySliceBytes: 1000, SliceBytes: 200), new() { Mtu = 1400 }),
        ["fu_many_packets"] = new("SF", new(KeySliceBytes: 20_000, SliceBytes: 3_000), new() { Mtu = 100, Aggregate = false }),
        ["mixed_small_mtu"] = new("SAF", new(SegmentsPerFrame: 3, KeySliceBytes: 900, SliceBytes: 150), new() { Mtu = 300 }),
        ["multi_segment_fu"] = new("SF", new(SegmentsPerFrame: 4, KeySliceBytes: 5_000, SliceBytes: 2_000), new() { Mtu = 1000, Aggregate = false }),
        ["aud_and_filler_stripped"] = new("AF", new(SegmentsPerFrame: 2, AudAndFiller: true), new() { Mtu = 500 }),
        ["cra_keyframes"] = new("SAF", new(KeyframeType: 21), new() { Mtu = 1000 }),
        ["sprop_only"] = new("SAF", new(ParameterSetsInBand: false), new() { Mtu = 1000 }, Sprop: true),
        ["no_marker"] = new("SAF", new(SegmentsPerFrame: 2), new() { Mtu = 1000, Marker = MarkerPolicy.Never }),
        ["wrap"] = new("SAF", new(Frames: 9, FirstTimestamp: uint.MaxValue - (3 * FrameTicks) + 1), new() { Mtu = 1000, FirstSequence = 65530 }),
    };

    public static TheoryData<string> RoundTripNames => new(RoundTrips.Keys);

    [Theory]
    [MemberData(nameof(RoundTripNames))]
    public void Frames_come_back_byte_for_byte(string name)
    {
        var c = RoundTrips[name];
        var frames = Frames(c.Stream);
        var packets = new Rfc7798TestPacketizer(c.Packetizer).Packetize(frames);
        var kinds = string.Concat(packets.Select(p => ((p[12] >> 1) & 0x3F) switch { 48 => 'A', 49 => 'F', _ => 'S' }).Distinct().Order());
        Assert.Equal(string.Concat(c.Kinds.Order()), kinds);

        using var run = c.Sprop ? new DepacketizerHarness(new H265Depacketizer(null, Vps, Sps, Pps)) : new DepacketizerHarness(new H265Depacketizer());
        run.Push(packets);

        var expectedCount = c.Packetizer.Marker == MarkerPolicy.Never ? frames.Count - 1 : frames.Count;
        Assert.Empty(run.Drops);
        Assert.Equal(expectedCount, run.Units.Count);
        for (var i = 0; i < expectedCount; i++)
        {
            Assert.Equal(ExpectedSample(frames[i]), run.Units[i].Data);
            Assert.Equal(i % c.Stream.Gop == 0, run.Units[i].IsKeyframe);
            Assert.Equal(c.Stream.FirstTimestamp + ((long)i * FrameTicks), run.Units[i].Timestamp);
            Assert.Equal(i == 0, run.Units[i].ConfigChanged);
        }

        var config = run.Depacketizer.Config!;
        Assert.Equal("hvc1.1.6.L60.90", config.Codec);
        Assert.Equal((320, 180), (config.Width, config.Height));
        Assert.Equal(30, config.FrameRate);
        Assert.Equal("hvc1"u8.ToArray(), config.SampleEntry[4..8]);
        Assert.Equal(0, ((H265Depacketizer)run.Depacketizer).Sps!.MaxNumReorderPics);
    }

    internal sealed record Loss(Action<List<List<byte[]>>> Mutate, int[] ExpectedFrames, DropReason[] ExpectedReasons);

    // 9 frames, IDR at 0, 3, 6; MTU 500: keyframes = AP(VPS, SPS, PPS, SEI) + FU run + suffix SEI, P = AP or FU + SEI.
    private static readonly SyntheticH265.Stream LossStream = new(Frames: 9, Gop: 3, KeySliceBytes: 1500, SliceBytes: 700);

    private static readonly Dictionary<string, Loss> Losses = new()
    {
        ["lose_middle_fu_of_p_frame"] = new(f => f[1].RemoveAt(2), [0, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_first_packet_of_p_frame"] = new(f => f[1].RemoveAt(0), [0, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_whole_p_frame"] = new(f => f[2].Clear(), [0, 1, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_packet_inside_keyframe"] = new(f => f[3].RemoveAt(2), [0, 1, 2, 6, 7, 8], [DropReason.SequenceGap]),
        ["duplicate_packet"] = new(f => f[1].Insert(2, f[1][1]), [0, 1, 2, 3, 4, 5, 6, 7, 8], [DropReason.LatePacket]),
        ["reorder_inside_frame"] = new(f => (f[1][1], f[1][2]) = (f[1][2], f[1][1]), [0, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap, DropReason.LatePacket]),
        ["fu_without_start"] = new(f => f[1][1][14] &= 0x7F, [0, 3, 4, 5, 6, 7, 8], [DropReason.FragmentWithoutStart]),
        ["fu_without_end_then_new_start"] = new(f => f[1][2][14] &= 0xBF, [0, 3, 4, 5, 6, 7, 8], [DropReason.Malformed]),
        ["fu_carrying_an_ap"] = new(f => f[1][1][14] = (byte)((f[1][1][14] & 0xC0) | 48), [0, 3, 4, 5, 6, 7, 8], [DropReason.Malformed]),
        ["ap_size_past_the_end"] = new(f => f[3][0][14] = 0xFF, [0, 1, 2, 6, 7, 8], [DropReason.Malformed]),
        ["ap_size_shorter_than_a_header"] = new(f => { f[3][0][14] = 0; f[3][0][15] = 1; }, [0, 1, 2, 6, 7, 8], [DropReason.Malformed]),
        ["ap_trailing_byte"] = new(f => f[3][0] = [.. f[3][0], 0x00], [0, 1, 2, 6, 7, 8], [DropReason.Malformed]),
        ["paci_unsupported"] = new(f => f[1][0][12] = (byte)((f[1][0][12] & 0x81) | (50 << 1)), [0, 3, 4, 5, 6, 7, 8], [DropReason.UnsupportedPacketType]),
        ["payload_shorter_than_a_header"] = new(f => f[4][0] = f[4][0][..14], [0, 1, 2, 3, 6, 7, 8], [DropReason.Malformed]),
    };

    public static TheoryData<string> LossNames => new(Losses.Keys);

    [Theory]
    [MemberData(nameof(LossNames))]
    public void After_loss_or_garbage_output_resumes_at_the_next_irap_with_whole_frames(string name)
    {
        var c = Losses[name];
        var frames = Frames(LossStream);
        var packetizer = new Rfc7798TestPacketizer(new() { Mtu = 500, FirstSequence = 65500 });
        var perFrame = frames.Select(packetizer.Packetize).ToList();
        Assert.True(perFrame[1].Count >= 3 && ((perFrame[3][0][12] >> 1) & 0x3F) == 48, "the stream is not laid out as the cases assume");
        c.Mutate(perFrame);

        using var run = new DepacketizerHarness(new H265Depacketizer());
        run.Push(perFrame.SelectMany(p => p));

        var outFrames = run.Units.Select(u => (int)((u.Timestamp - LossStream.FirstTimestamp) / FrameTicks)).ToArray();
        Assert.Equal(c.ExpectedFrames, outFrames);
        for (var i = 0; i < run.Units.Count; i++)
        {
            Assert.Equal(ExpectedSample(frames[outFrames[i]]), run.Units[i].Data);
        }

        foreach (var reason in c.ExpectedReasons)
        {
            Assert.Contains(reason, run.Drops);
        }

        Assert.All(run.Drops, d => Assert.Contains(d, c.ExpectedReasons.Append(DropReason.WaitingForKeyframe).Append(DropReason.Malformed).Append(DropReason.SequenceGap)));
    }

    [Fact]
    public void Starting_at_a_cra_leaves_out_its_rasl_pictures_and_keeps_later_ones()
    {
        // CRA at 0 and 4; frames 1-2 and 5-6 are RASL (they lean on pictures before their CRA), 3 and 7 trailing.
        var frames = Frames(new(Frames: 8, Gop: 4, KeyframeType: 21));
        foreach (var f in (int[])[1, 2, 5, 6])
        {
            frames[f] = frames[f] with { Nals = [PrefixSei, Slice(8, f, 0, 300), SuffixSei] };
        }

        using var run = new DepacketizerHarness(new H265Depacketizer());
        run.Push(new Rfc7798TestPacketizer(new() { Mtu = 1000 }).Packetize(frames));

        var outFrames = run.Units.Select(u => (int)((u.Timestamp - 90000) / FrameTicks)).ToArray();
        Assert.Equal([0, 3, 4, 5, 6, 7], outFrames);
        Assert.Equal([true, false, true, false, false, false], run.Units.Select(u => u.IsKeyframe));
        Assert.Equal([DropReason.WaitingForKeyframe, DropReason.WaitingForKeyframe], run.Drops);
    }

    [Fact]
    public void In_band_parameter_sets_win_over_sprop_and_a_change_is_flagged_on_its_frame()
    {
        var sprop = H265SpsSamples.All["main10_640x360"];
        var later = H265SpsSamples.All["main_1920x1080_bframes"];
        var frames = Frames(new(Frames: 6, Gop: 3));
        frames[3] = frames[3] with { Nals = [later.VpsBytes, later.SpsBytes, later.PpsBytes, .. frames[3].Nals.Skip(3)] };

        using var run = new DepacketizerHarness(new H265Depacketizer(null, sprop.VpsBytes, sprop.SpsBytes, sprop.PpsBytes));
        Assert.Equal("hvc1.2.4.L63.90", run.Depacketizer.Config!.Codec);
        run.Push(new Rfc7798TestPacketizer(new() { Mtu = 1000 }).Packetize(frames));

        Assert.Equal(6, run.Units.Count);
        Assert.Equal([true, false, false, true, false, false], run.Units.Select(u => u.ConfigChanged));
        Assert.Equal(["hvc1.1.6.L60.90", "hvc1.1.6.L60.90", "hvc1.1.6.L60.90", "hvc1.1.6.L120.90", "hvc1.1.6.L120.90", "hvc1.1.6.L120.90"], run.Configs.Select(c => c!.Codec));
        Assert.Equal(1920, run.Configs[^1]!.Width);
        Assert.Equal(2, ((H265Depacketizer)run.Depacketizer).Sps!.MaxNumReorderPics);
    }

    [Fact]
    public void Without_any_parameter_sets_frames_are_dropped_with_that_reason()
    {
        using var run = new DepacketizerHarness(new H265Depacketizer());
        run.Push(new Rfc7798TestPacketizer(new() { Mtu = 1000 }).Packetize(Frames(new(Frames: 3, ParameterSetsInBand: false))));
        Assert.Empty(run.Units);
        Assert.Equal([DropReason.NoParameterSets, DropReason.NoParameterSets, DropReason.NoParameterSets], run.Drops);
    }

    [Theory]
    [InlineData(10_000, 1024, DropReason.AccessUnitTooLarge)]
    [InlineData(8 * 1024 * 1024, 4, DropReason.TooManyNalUnits)]
    public void A_frame_over_a_limit_is_dropped_with_its_gop(int maxBytes, int maxNals, DropReason reason)
    {
        var frames = Frames(new(Frames: 9, Gop: 3, KeySliceBytes: 3000, SliceBytes: 500));
        frames[4] = frames[4] with { Nals = [.. Enumerable.Range(0, 6).Select(i => Slice(1, 4, i, i == 0 ? 20_000 : 100))] };

        using var run = new DepacketizerHarness(new H265Depacketizer(new NalDepacketizerOptions { MaxAccessUnitBytes = maxBytes, MaxNalUnitsPerAccessUnit = maxNals, InitialBufferBytes = 1024 }));
        run.Push(new Rfc7798TestPacketizer(new() { Mtu = 1400 }).Packetize(frames));

        Assert.Equal([0, 1, 2, 3, 6, 7, 8], run.Units.Select(u => (int)((u.Timestamp - 90000) / FrameTicks)));
        Assert.Contains(reason, run.Drops);
        Assert.All(run.Units, u => Assert.True(u.Data.Length <= maxBytes));
    }

    [Fact]
    public void Random_garbage_never_throws_and_whatever_comes_out_is_well_formed()
    {
        var max = new NalDepacketizerOptions { MaxAccessUnitBytes = 200_000, MaxNalUnitsPerAccessUnit = 64 };
        using var depacketizer = new H265Depacketizer(max, Vps, Sps, Pps);
        DepacketizerFuzz.Run(depacketizer, max, 7798, [1, 19, 21, 8, 32, 33, 34, 35, 38, 39, 48, 48, 49, 49, 49, 50, 63], static (b, type) => (byte)((b & 0x81) | (type << 1)));
    }
}
