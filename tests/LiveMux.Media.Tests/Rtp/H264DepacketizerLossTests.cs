using LiveMux.Media.Rtp;
using static LiveMux.Media.Tests.Rtp.SyntheticH264;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// Loss, reordering, duplicates and malformed packets. Each case says exactly which input frames must come
/// out; every frame that does come out must be complete, byte for byte.
/// </summary>
public sealed class H264DepacketizerLossTests
{
    // 9 frames, IDR at 0, 3 and 6. Fragmented: IDR = STAP-A(SPS, PPS, SEI) + FU-A runs; P = 2 slices x 2 FU-A.
    private static readonly SyntheticH264.Stream Fragmented = new(Frames: 9, Gop: 3, SlicesPerFrame: 2, IdrSliceBytes: 1500, SliceBytes: 600);
    private static readonly PacketizerOptions FragmentedPackets = new() { Mtu = 500, FirstSequence = 65500 };

    // 9 frames, IDR at 0, 3 and 6, 4 slices per frame, every NAL unit in its own packet:
    // IDR = SPS, PPS, SEI, slice0..3 (7 packets); P = slice0..3 (4 packets).
    private static readonly SyntheticH264.Stream Sliced = new(Frames: 9, Gop: 3, SlicesPerFrame: 4, IdrSliceBytes: 300, SliceBytes: 100);
    private static readonly PacketizerOptions SlicedPackets = new() { Mtu = 1400, Aggregate = false };

    // As Sliced, but the parameter sets come only from the SDP (sprop-parameter-sets): IDR = slice0..3.
    private static readonly SyntheticH264.Stream SlicedSprop = Sliced with { ParameterSetsInBand = false };

    // One packet per frame, parameter sets from the SDP only.
    private static readonly SyntheticH264.Stream SinglePacketSprop = new(Frames: 9, Gop: 3, IdrSliceBytes: 300, SliceBytes: 100, ParameterSetsInBand: false);

    internal sealed record Case(
        SyntheticH264.Stream Stream,
        PacketizerOptions Packetizer,
        Action<List<List<byte[]>>> Mutate,
        int[] ExpectedFrames,
        DropReason[] ExpectedReasons);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["lose_middle_packet_of_p_frame"] = new(Fragmented, FragmentedPackets, f => f[1].RemoveAt(1), [0, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_first_packet_of_p_frame"] = new(Fragmented, FragmentedPackets, f => f[1].RemoveAt(0), [0, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_marker_packet_of_p_frame"] = new(Fragmented, FragmentedPackets, f => f[1].RemoveAt(f[1].Count - 1), [0, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_whole_p_frame"] = new(Fragmented, FragmentedPackets, f => f[2].Clear(), [0, 1, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_packet_inside_idr"] = new(Fragmented, FragmentedPackets, f => f[3].RemoveAt(3), [0, 1, 2, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_first_slice_of_multi_slice_idr"] = new(Sliced, SlicedPackets, f => f[3].RemoveAt(3), [0, 1, 2, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_first_slice_of_idr_sprop_only"] = new(SlicedSprop, SlicedPackets, f => f[3].RemoveAt(0), [0, 1, 2, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_two_leading_slices_of_idr_sprop_only"] = new(SlicedSprop, SlicedPackets, f => f[3].RemoveRange(0, 2), [0, 1, 2, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_last_slice_of_p_before_idr_sprop_only"] = new(SlicedSprop, SlicedPackets, f => f[2].RemoveAt(3), [0, 1, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_single_packet_p_frame_before_single_packet_idr"] = new(SinglePacketSprop, SlicedPackets, f => f[2].Clear(), [0, 1, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_first_slice_of_multi_slice_p"] = new(Sliced, SlicedPackets, f => f[1].RemoveAt(0), [0, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap]),
        ["lose_last_slice_of_multi_slice_idr"] = new(Sliced, SlicedPackets, f => f[3].RemoveAt(6), [0, 1, 2, 6, 7, 8], [DropReason.SequenceGap]),

        // Reordering: the early packet opens a gap, the late one is refused; nothing partial comes out.
        ["reorder_inside_frame"] = new(Fragmented, FragmentedPackets, f => Swap(f[1], 1, 2), [0, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap, DropReason.LatePacket]),
        ["reorder_across_frames"] = new(Fragmented, FragmentedPackets, f =>
        {
            var last = f[1][^1];
            f[1][^1] = f[2][0];
            f[2][0] = last;
        }, [0, 3, 4, 5, 6, 7, 8], [DropReason.SequenceGap, DropReason.LatePacket]),

        // Duplicates are refused and harm nothing.
        ["duplicate_middle_packet"] = new(Fragmented, FragmentedPackets, f => f[1].Insert(2, f[1][1]), [0, 1, 2, 3, 4, 5, 6, 7, 8], [DropReason.LatePacket]),
        ["duplicate_marker_packet"] = new(Fragmented, FragmentedPackets, f => f[1].Add(f[1][^1]), [0, 1, 2, 3, 4, 5, 6, 7, 8], [DropReason.LatePacket]),
        ["very_old_packet_replayed"] = new(Fragmented, FragmentedPackets, f => f[5].Insert(1, f[0][1]), [0, 1, 2, 3, 4, 5, 6, 7, 8], [DropReason.LatePacket]),

        // Malformed payloads, in sequence.
        ["fu_a_without_start"] = new(Fragmented, FragmentedPackets, f => f[1][0][13] &= 0x7F, [0, 3, 4, 5, 6, 7, 8], [DropReason.FragmentWithoutStart]),
        ["fu_a_without_end_then_new_start"] = new(Fragmented, FragmentedPackets, f => f[1][1][13] &= 0xBF, [0, 3, 4, 5, 6, 7, 8], [DropReason.Malformed]),
        ["stap_a_size_past_the_end"] = new(Fragmented, FragmentedPackets, f => f[3][0][13] = 0xFF, [0, 1, 2, 6, 7, 8], [DropReason.Malformed]),
        ["stap_a_size_zero"] = new(Fragmented, FragmentedPackets, f => { f[3][0][13] = 0; f[3][0][14] = 0; }, [0, 1, 2, 6, 7, 8], [DropReason.Malformed]),
        ["stap_a_trailing_byte"] = new(Fragmented, FragmentedPackets, f => f[3][0] = [.. f[3][0], 0x00], [0, 1, 2, 6, 7, 8], [DropReason.Malformed]),
        ["stap_b_unsupported"] = new(Sliced, SlicedPackets, f => f[1][1][12] = (byte)((f[1][1][12] & 0xE0) | 25), [0, 3, 4, 5, 6, 7, 8], [DropReason.UnsupportedPacketType]),
        ["fu_a_too_short"] = new(Fragmented, FragmentedPackets, f => f[1][1] = f[1][1][..14], [0, 3, 4, 5, 6, 7, 8], [DropReason.Malformed]),
        ["empty_payload"] = new(Sliced, SlicedPackets, f => f[4][1] = f[4][1][..12], [0, 1, 2, 3, 6, 7, 8], [DropReason.Malformed]),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Exactly_the_expected_frames_come_out_whole(string name)
    {
        var c = Cases[name];
        var frames = Frames(c.Stream);
        var packetizer = new Rfc6184TestPacketizer(c.Packetizer);
        var perFrame = frames.Select(packetizer.Packetize).ToList();
        c.Mutate(perFrame);

        using var run = c.Stream.ParameterSetsInBand ? new DepacketizerHarness() : new DepacketizerHarness(sps: Sps320, pps: Pps320);
        run.Push(perFrame.SelectMany(p => p));

        var outFrames = run.Units.Select(u => (int)((u.Timestamp - c.Stream.FirstTimestamp) / FrameTicks)).ToArray();
        Assert.Equal(c.ExpectedFrames, outFrames);
        for (var i = 0; i < run.Units.Count; i++)
        {
            Assert.Equal(ExpectedSample(frames[outFrames[i]]), run.Units[i].Data);
        }

        foreach (var reason in c.ExpectedReasons)
        {
            Assert.Contains(reason, run.Drops);
        }

        // Only the reasons a case can explain: its own, and the frames skipped while waiting for an IDR.
        Assert.All(run.Drops, d => Assert.Contains(d, c.ExpectedReasons.Append(DropReason.WaitingForKeyframe).Append(DropReason.Malformed).Append(DropReason.SequenceGap)));
    }

    private static void Swap(List<byte[]> packets, int a, int b) => (packets[a], packets[b]) = (packets[b], packets[a]);
}
