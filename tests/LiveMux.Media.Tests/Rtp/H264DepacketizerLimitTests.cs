using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;
using static LiveMux.Media.Tests.Rtp.SyntheticH264;

namespace LiveMux.Media.Tests.Rtp;

public sealed class H264DepacketizerLimitTests
{
    [Fact]
    public void A_frame_over_the_byte_limit_is_dropped_with_its_gop()
    {
        var frames = Frames(new(Frames: 9, Gop: 3, IdrSliceBytes: 3000, SliceBytes: 500));
        frames[3] = frames[3] with { Nals = [.. frames[3].Nals.SkipLast(1), Slice(true, 3, 0, 0, 20_000)] };

        using var run = new DepacketizerHarness(new H264DepacketizerOptions { MaxAccessUnitBytes = 10_000, InitialBufferBytes = 1024 });
        run.Push(new Rfc6184TestPacketizer(new() { Mtu = 1400 }).Packetize(frames));

        Assert.Equal([0, 1, 2, 6, 7, 8], run.Units.Select(u => (int)((u.Timestamp - 90000) / FrameTicks)));
        Assert.Contains(DropReason.AccessUnitTooLarge, run.Drops);
        Assert.All(run.Units, u => Assert.True(u.Data.Length <= 10_000));
    }

    [Fact]
    public void A_frame_over_the_nal_count_limit_is_dropped_with_its_gop()
    {
        var frames = Frames(new(Frames: 6, Gop: 3, SlicesPerFrame: 2));
        frames[1] = frames[1] with { Nals = Enumerable.Range(0, 6).Select(i => Slice(false, 1, i, i * 50, 100)).ToList() };

        using var run = new DepacketizerHarness(new H264DepacketizerOptions { MaxNalUnitsPerAccessUnit = 4 });
        run.Push(new Rfc6184TestPacketizer(new() { Mtu = 1400 }).Packetize(frames));

        Assert.Equal([0, 3, 4, 5], run.Units.Select(u => (int)((u.Timestamp - 90000) / FrameTicks)));
        Assert.Contains(DropReason.TooManyNalUnits, run.Drops);
    }

    [Theory]
    [InlineData(true)] // one NAL unit that never ends (FU-A without E)
    [InlineData(false)] // a frame that never ends (same timestamp, no marker)
    public void Endless_input_keeps_memory_bounded_and_never_throws(bool fragment)
    {
        const int limit = 256 * 1024;
        using var run = new DepacketizerHarness(new H264DepacketizerOptions { MaxAccessUnitBytes = limit, MaxNalUnitsPerAccessUnit = 100_000, InitialBufferBytes = 4096 }, Sps320, Pps320);
        var payload = new byte[1400];
        new Random(1).NextBytes(payload);
        payload[0] = fragment ? (byte)0x7C : (byte)0x65; // FU-A / IDR slice
        payload[1] = fragment ? (byte)0x85 : (byte)0x88; // FU start of an IDR / first_mb 0
        var packet = RtpPacketTests.Build(0, -1, 0, false, 0, 1234, 1, 96, payload);
        var drops = new List<DropReason>(16);

        // Warm up the pool, then measure: 100 MB in must not grow memory beyond a few limit-sized buffers.
        for (var i = 0; i < 500; i++)
        {
            Push(run, packet, i, fragment, drops);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 500; i < 75_000; i++)
        {
            Push(run, packet, i, fragment, drops);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 4 * limit, $"{allocated} bytes allocated");
        Assert.Equal([DropReason.AccessUnitTooLarge], drops);
    }

    private static void Push(DepacketizerHarness run, byte[] packet, int i, bool fragment, List<DropReason> drops)
    {
        // One packet buffer reused, so the test itself allocates nothing per packet.
        if (fragment && i > 0)
        {
            packet[13] = 0x05; // middle fragments from then on
        }

        packet[2] = (byte)(i >> 8);
        packet[3] = (byte)i;

        // Straight to the depacketizer: xunit's Assert allocates, which would hide what is measured.
        if (RtpPacket.TryParse(packet, out var rtp) != RtpParseStatus.Ok)
        {
            throw new InvalidOperationException("test packet does not parse");
        }

        switch (run.Depacketizer.Push(rtp, out var unit))
        {
            case DepacketizeStatus.AccessUnit:
                unit.Dispose();
                throw new InvalidOperationException("an endless frame cannot complete");
            case DepacketizeStatus.Dropped:
                drops.Add(run.Depacketizer.LastDropReason);
                break;
        }
    }

    [Fact]
    public void Random_garbage_never_throws_and_whatever_comes_out_is_well_formed()
    {
        var max = new H264DepacketizerOptions { MaxAccessUnitBytes = 200_000, MaxNalUnitsPerAccessUnit = 64 };
        using var depacketizer = new H264Depacketizer(max, Sps320, Pps320);
        DepacketizerFuzz.Run(depacketizer, max, 20251124, [1, 5, 7, 8, 9, 12, 24, 24, 28, 28, 28, 25, 0, 30], static (b, type) => (byte)((b & 0xE0) | type));
    }
}
