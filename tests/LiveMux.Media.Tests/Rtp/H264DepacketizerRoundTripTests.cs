using LiveMux.Media.Rtp;
using static LiveMux.Media.Tests.Rtp.SyntheticH264;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>One table drives both directions: frames -> test packetizer -> depacketizer -> the same frames.</summary>
public sealed class H264DepacketizerRoundTripTests
{
    // Kinds: the packet types the case must exercise: S single NAL, A STAP-A, F FU-A.
    internal sealed record Case(string Name, string Kinds, SyntheticH264.Stream Stream, PacketizerOptions Packetizer)
    {
        public override string ToString() => Name;
    }

    private static readonly Dictionary<string, Case> Cases = new Case[]
    {
        // Small NAL units, no aggregation: every NAL unit its own packet.
        new("single_nal_only", "S", new(IdrSliceBytes: 400, SliceBytes: 200), new() { Mtu = 1400, Aggregate = false }),

        // SPS + PPS + SEI (+ IDR when it fits) in one STAP-A.
        new("stap_a_sps_pps_idr", "SA", new(IdrSliceBytes: 500, SliceBytes: 200), new() { Mtu = 1400 }),

        // Every slice split across many FU-A packets.
        new("fu_a_many_packets", "SF", new(IdrSliceBytes: 20_000, SliceBytes: 3_000), new() { Mtu = 100, Aggregate = false }),

        // A mix of all three at a small MTU.
        new("mixed_small_mtu", "SAF", new(SlicesPerFrame: 3, IdrSliceBytes: 900, SliceBytes: 150), new() { Mtu = 300 }),

        // Several slices per frame, each in its own packet or FU-A run; marker on the last packet only.
        new("multi_slice_single_packets", "S", new(SlicesPerFrame: 4, IdrSliceBytes: 600, SliceBytes: 200), new() { Mtu = 1400, Aggregate = false }),
        new("multi_slice_fu_a", "SF", new(SlicesPerFrame: 4, IdrSliceBytes: 5_000, SliceBytes: 2_000), new() { Mtu = 1000, Aggregate = false }),

        // Access unit delimiters and filler data must not reach the samples.
        new("aud_and_filler_stripped", "SAF", new(SlicesPerFrame: 2, AudAndFiller: true), new() { Mtu = 500 }),

        // Sequence numbers wrap at 2^16 and RTP timestamps at 2^32 in the middle of the stream.
        new("sequence_and_timestamp_wrap", "SAF", new(Frames: 9, FirstTimestamp: uint.MaxValue - (3 * FrameTicks) + 1, IdrSliceBytes: 4000), new() { Mtu = 1000, FirstSequence = 65530 }),

        // Cameras that never set the marker: frames end when the timestamp changes.
        new("no_marker", "AF", new(SlicesPerFrame: 2, IdrSliceBytes: 3000), new() { Mtu = 1000, Marker = MarkerPolicy.Never }),
    }.ToDictionary(c => c.Name);

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Frames_come_back_byte_for_byte(string name)
    {
        var c = Cases[name];
        var frames = Frames(c.Stream);
        var packets = new Rfc6184TestPacketizer(c.Packetizer).Packetize(frames);
        Assert.True(packets.Count >= frames.Count);
        var kinds = string.Concat(packets.Select(p => (p[12] & 0x1F) switch { 24 => 'A', 28 => 'F', _ => 'S' }).Distinct().Order());
        Assert.Equal(string.Concat(c.Kinds.Order()), kinds);

        using var run = new DepacketizerHarness();
        run.Push(packets);

        // Without a marker the last frame is only known complete when the next timestamp arrives.
        var expectedCount = c.Packetizer.Marker == MarkerPolicy.Never ? frames.Count - 1 : frames.Count;
        Assert.Empty(run.Drops);
        Assert.Equal(expectedCount, run.Units.Count);
        for (var i = 0; i < expectedCount; i++)
        {
            Assert.Equal(ExpectedSample(frames[i]), run.Units[i].Data);
            Assert.Equal(IsIdr(frames[i]), run.Units[i].IsKeyframe);
            Assert.Equal(c.Stream.FirstTimestamp + ((long)i * FrameTicks), run.Units[i].Timestamp);
            Assert.Equal(i == 0, run.Units[i].ConfigChanged);
        }

        Assert.Equal(320, run.Depacketizer.Config!.Width);
        Assert.Equal("avc1.42C00D", run.Depacketizer.Config.Codec);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void A_multi_slice_frame_is_one_access_unit_holding_every_slice(int slices)
    {
        var frames = Frames(new(Frames: 2, Gop: 2, SlicesPerFrame: slices, IdrSliceBytes: 2500, SliceBytes: 700));
        var packets = new Rfc6184TestPacketizer(new() { Mtu = 1000, Aggregate = false }).Packetize(frames);

        using var run = new DepacketizerHarness();
        var statuses = packets.Select(run.Push).ToList();

        // Exactly two outputs, each on the packet carrying the marker.
        Assert.Equal(2, statuses.Count(s => s == DepacketizeStatus.AccessUnit));
        Assert.Equal(DepacketizeStatus.AccessUnit, statuses[^1]);
        for (var f = 0; f < 2; f++)
        {
            var sample = run.Units[f].Data;
            var offsets = NalOffsets(sample);
            Assert.Equal(slices + (f == 0 ? 1 : 0), offsets.Count); // + SEI on the IDR
            Assert.Equal(ExpectedSample(frames[f]), sample);
        }
    }

    [Fact]
    public void Without_a_marker_the_last_frame_is_held_until_the_timestamp_changes()
    {
        var frames = Frames(new(Frames: 2, SlicesPerFrame: 2));
        var packets = new Rfc6184TestPacketizer(new() { Mtu = 1000, Marker = MarkerPolicy.Never }).Packetize(frames);
        using var run = new DepacketizerHarness();
        var statuses = packets.Select(run.Push).ToList();

        // The first frame comes out on the first packet of the second frame.
        var firstOfSecond = packets.FindIndex(p => p[7] != packets[0][7]);
        Assert.Equal(DepacketizeStatus.AccessUnit, statuses[firstOfSecond]);
        Assert.Equal(1, statuses.Count(s => s == DepacketizeStatus.AccessUnit));
        Assert.Equal(ExpectedSample(frames[0]), run.Units[0].Data);
    }

    internal static List<int> NalOffsets(byte[] sample)
    {
        var offsets = new List<int>();
        for (var i = 0; i < sample.Length;)
        {
            offsets.Add(i);
            i += 4 + ((sample[i] << 24) | (sample[i + 1] << 16) | (sample[i + 2] << 8) | sample[i + 3]);
        }

        return offsets;
    }
}
