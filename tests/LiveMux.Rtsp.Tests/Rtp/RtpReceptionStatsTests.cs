using LiveMux.Rtsp.Rtp;

namespace LiveMux.Rtsp.Tests.Rtp;

public sealed class RtpReceptionStatsTests
{
    // Arrival sequence numbers -> expected, lost, extended highest (RFC 3550 A.3: expected = ext. highest - base + 1).
    [Theory]
    [InlineData(new[] { 10, 11, 12, 13 }, 4, 0, 13)]
    [InlineData(new[] { 10, 12, 13 }, 4, 1, 13)]
    [InlineData(new[] { 10, 13, 11, 12 }, 4, 0, 13)]
    [InlineData(new[] { 10, 11, 11, 12 }, 3, -1, 12)]
    [InlineData(new[] { 65534, 65535, 1, 2 }, 5, 1, 65536 + 2)]
    [InlineData(new[] { 100, 101, 20000, 102 }, 3, 0, 102)]
    // A confirmed jump restarts at the confirming packet (A.1 init_seq), so 20000 is not counted.
    [InlineData(new[] { 100, 101, 20000, 20001, 20003 }, 3, 1, 20003)]
    public void Loss_and_extended_sequence(int[] seqs, long expected, long lost, long extendedHighest)
    {
        var stats = new RtpReceptionStats();
        foreach (var seq in seqs)
        {
            stats.Update(0x1234, (ushort)seq, 0, 0);
        }
        Assert.Equal(expected, stats.Expected);
        Assert.Equal(lost, stats.CumulativeLost);
        Assert.Equal((uint)extendedHighest, stats.ExtendedHighestSequence);
    }

    [Fact]
    public void Fraction_lost_is_per_interval()
    {
        var stats = new RtpReceptionStats();
        for (var seq = 0; seq < 100; seq++)
        {
            if (seq % 4 != 3)
            {
                stats.Update(1, (ushort)seq, 0, 0);
            }
        }
        // 99 expected up to seq 98 (98 is received, 99 is a loss not yet seen), 75 received: 24 lost of 99.
        Assert.Equal(24 * 256 / 99, stats.TakeFractionLost());
        for (var seq = 100; seq < 200; seq++)
        {
            stats.Update(1, (ushort)seq, 0, 0);
        }
        // 101 expected since (99..199), 100 received: seq 99's loss falls in this interval.
        Assert.Equal(256 / 101, stats.TakeFractionLost());
        stats.Update(1, 200, 0, 0);
        Assert.Equal(0, stats.TakeFractionLost());
    }

    [Fact]
    public void Jitter_follows_rfc3550_a8()
    {
        var stats = new RtpReceptionStats();
        // Packets every 3000 units, arrivals 3000 apart except one 300 late: D = 300 then 300 again.
        double[] arrivals = [1000, 4000, 7300, 10000];
        uint[] timestamps = [0, 3000, 6000, 9000];
        double expected = 0;
        double? last = null;
        for (var i = 0; i < arrivals.Length; i++)
        {
            stats.Update(1, (ushort)i, timestamps[i], arrivals[i]);
            var transit = arrivals[i] - timestamps[i];
            if (last is { } l)
            {
                expected += (Math.Abs(transit - l) - expected) / 16;
            }
            last = transit;
        }
        Assert.Equal(300.0 / 16 + (300 - 300.0 / 16) / 16, expected, 9);
        Assert.Equal(expected, stats.Jitter, 9);
    }

    [Fact]
    public void Jitter_ignores_a_timestamp_wrap()
    {
        var stats = new RtpReceptionStats();
        stats.Update(1, 0, uint.MaxValue - 1499, 0);
        stats.Update(1, 1, 1500, 3000); // 3000 units later on both clocks
        Assert.Equal(0, stats.Jitter, 9);
    }

    [Fact]
    public void New_ssrc_restarts_the_counts()
    {
        var stats = new RtpReceptionStats();
        stats.Update(1, 10, 0, 0);
        stats.Update(1, 12, 0, 0);
        stats.Update(2, 500, 0, 0);
        Assert.Equal(1, stats.Expected);
        Assert.Equal(0, stats.CumulativeLost);
        Assert.Equal(2u, stats.Ssrc);
    }
}
