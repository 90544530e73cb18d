using LiveMux.Media.Rtp;
using static LiveMux.Media.Tests.Rtp.SyntheticH264;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>Camera quirks get a table of their own.</summary>
public sealed class H264DepacketizerQuirkTests
{
    [Theory]
    [InlineData(2, 3)]
    [InlineData(4, 3)]
    [InlineData(3, 5)]
    public void Marker_on_every_slice_switches_to_timestamp_splitting_and_nothing_partial_follows(int slices, int gop)
    {
        var frames = Frames(new(Frames: 4 * gop, Gop: gop, SlicesPerFrame: slices, IdrSliceBytes: 800, SliceBytes: 200));
        var packets = new Rfc6184TestPacketizer(new() { Mtu = 500, Marker = MarkerPolicy.EverySlice }).Packetize(frames);

        using var run = new DepacketizerHarness();
        var statuses = new List<DepacketizeStatus>();
        var detectedAt = -1;
        for (var i = 0; i < packets.Count; i++)
        {
            statuses.Add(run.Push(packets[i]));
            if (detectedAt < 0 && run.Drops.Contains(DropReason.MarkerQuirk))
            {
                detectedAt = run.Units.Count;
            }
        }

        Assert.Equal(1, run.Drops.Count(d => d == DropReason.MarkerQuirk));

        // Before detection the first slice went out alone (unavoidable: it looked like a whole frame).
        Assert.Equal(1, detectedAt);
        Assert.True(run.Units[0].Data.Length < ExpectedSample(frames[0]).Length);

        // After detection: the rest of the first GOP is dropped, then every frame is whole, and the last frame
        // waits for a timestamp change that never comes.
        var after = run.Units.Skip(1).ToList();
        Assert.Equal(frames.Count - gop - 1, after.Count);
        for (var i = 0; i < after.Count; i++)
        {
            var frame = frames[gop + i];
            Assert.Equal(frame.Timestamp + 0L, after[i].Timestamp);
            Assert.Equal(ExpectedSample(frame), after[i].Data);
            Assert.Equal(IsIdr(frame), after[i].IsKeyframe);
        }
    }

    [Fact]
    public void A_camera_with_one_slice_per_frame_and_the_marker_is_not_mistaken_for_the_quirk()
    {
        var frames = Frames(new(Frames: 10, Gop: 5));
        var packets = new Rfc6184TestPacketizer(new() { Mtu = 500, Marker = MarkerPolicy.EverySlice }).Packetize(frames);
        using var run = new DepacketizerHarness();
        run.Push(packets);
        Assert.Empty(run.Drops);
        Assert.Equal(10, run.Units.Count);
    }

    [Fact]
    public void A_frame_with_the_same_timestamp_as_the_previous_one_after_a_marker_is_the_quirk_not_a_new_frame()
    {
        // Two single-slice frames sharing one timestamp (a broken camera clock) look exactly like the quirk;
        // the depacketizer must not hand out the second one as a separate frame with the same time.
        var frames = Frames(new(Frames: 4, Gop: 2));
        frames[1] = frames[1] with { Timestamp = frames[0].Timestamp };
        var packets = new Rfc6184TestPacketizer(new() { Mtu = 1400 }).Packetize(frames);
        using var run = new DepacketizerHarness();
        run.Push(packets);
        Assert.Contains(DropReason.MarkerQuirk, run.Drops);
        Assert.Equal(run.Units.Count, run.Units.Select(u => u.Timestamp).Distinct().Count());
    }
}
