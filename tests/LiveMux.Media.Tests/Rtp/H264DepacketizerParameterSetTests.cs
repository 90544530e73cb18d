using LiveMux.Media.Rtp;
using static LiveMux.Media.Tests.Rtp.SyntheticH264;

namespace LiveMux.Media.Tests.Rtp;

public sealed class H264DepacketizerParameterSetTests
{
    private static readonly PacketizerOptions Packets = new() { Mtu = 1000 };

    [Fact]
    public void Sprop_alone_gives_a_config_before_any_packet_and_flags_the_first_unit()
    {
        using var run = new DepacketizerHarness(sps: Sps320, pps: Pps320);
        Assert.NotNull(run.Depacketizer.Config);
        Assert.Equal((320, 240, "avc1.42C00D"), (run.Depacketizer.Config.Width, run.Depacketizer.Config.Height, run.Depacketizer.Config.Codec));

        run.Push(new Rfc6184TestPacketizer(Packets).Packetize(Frames(new(Frames: 4, Gop: 2, ParameterSetsInBand: false))));
        Assert.Equal([true, false, false, false], run.Units.Select(u => u.ConfigChanged));
        Assert.Empty(run.Drops);
    }

    [Fact]
    public void In_band_parameter_sets_win_over_sprop()
    {
        using var run = new DepacketizerHarness(sps: Sps320, pps: Pps320);
        run.Push(new Rfc6184TestPacketizer(Packets).Packetize(Frames(new(Frames: 3, Sps: Sps640, Pps: Pps640))));
        Assert.Equal((640, 360, "avc1.4D401E"), (run.Depacketizer.Config!.Width, run.Depacketizer.Config.Height, run.Depacketizer.Config.Codec));
        Assert.Equal([true, false, false], run.Units.Select(u => u.ConfigChanged));
        Assert.All(run.Configs, c => Assert.Equal(640, c!.Width));
    }

    [Fact]
    public void Same_in_band_parameter_sets_as_sprop_change_nothing_after_the_first_unit()
    {
        using var run = new DepacketizerHarness(sps: Sps320, pps: Pps320);
        run.Push(new Rfc6184TestPacketizer(Packets).Packetize(Frames(new(Frames: 6, Gop: 2))));
        Assert.Equal([true, false, false, false, false, false], run.Units.Select(u => u.ConfigChanged));
    }

    [Fact]
    public void A_resolution_change_flags_the_idr_that_carries_it_and_only_that_one()
    {
        var frames = Frames(new(Frames: 3, Gop: 3))
            .Concat(Frames(new(Frames: 3, Gop: 3, Sps: Sps1080, Pps: Pps1080, FirstTimestamp: 90000 + (3 * FrameTicks))))
            .Concat(Frames(new(Frames: 3, Gop: 3, Sps: Sps1080, Pps: Pps1080, FirstTimestamp: 90000 + (6 * FrameTicks))))
            .ToList();
        using var run = new DepacketizerHarness();
        run.Push(new Rfc6184TestPacketizer(Packets).Packetize(frames));

        Assert.Equal(9, run.Units.Count);
        Assert.Equal([true, false, false, true, false, false, false, false, false], run.Units.Select(u => u.ConfigChanged));
        Assert.Equal([320, 320, 320, 1920, 1920, 1920, 1920, 1920, 1920], run.Configs.Select(c => c!.Width));
        Assert.Equal("avc1.640028", run.Configs[3]!.Codec);
        Assert.True(run.Units[3].IsKeyframe);
    }

    [Fact]
    public void Without_any_parameter_sets_every_unit_is_dropped()
    {
        using var run = new DepacketizerHarness();
        run.Push(new Rfc6184TestPacketizer(Packets).Packetize(Frames(new(Frames: 5, Gop: 2, ParameterSetsInBand: false))));
        Assert.Empty(run.Units);
        Assert.Null(run.Depacketizer.Config);
        Assert.Equal(Enumerable.Repeat(DropReason.NoParameterSets, 5), run.Drops);
        Assert.Equal(5, run.Depacketizer.DroppedUnits);
    }

    [Fact]
    public void An_unparsable_in_band_sps_keeps_the_working_config()
    {
        var frames = Frames(new(Frames: 4, Gop: 2, Sps: [0x67, 0x42, 0xC0]));
        using var run = new DepacketizerHarness(sps: Sps320, pps: Pps320);
        run.Push(new Rfc6184TestPacketizer(Packets).Packetize(frames));
        Assert.Equal(4, run.Units.Count);
        Assert.Equal(320, run.Depacketizer.Config!.Width);
    }
}
