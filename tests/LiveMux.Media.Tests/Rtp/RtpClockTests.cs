using LiveMux.Media.Rtp;

namespace LiveMux.Media.Tests.Rtp;

public sealed class RtpClockTests
{
    public static TheoryData<long, int, int, long> Cases => new()
    {
        { 512, 15360, 90000, 3000 },          // one frame of ffmpeg's 30 fps video
        { 512 * 108_000L, 15360, 90000, 3000 * 108_000L }, // an hour of it, still exact
        { 40, 1000, 90000, 3600 },            // millisecond timescales
        { 33, 1000, 90000, 2970 },
        { 1024, 48000, 48000, 1024 },         // the same clock: unchanged
        { 1, 3, 2, 0 },                       // 0.67 rounds down
        { -1, 3, 2, -1 },                     // ...toward negative infinity
        { long.MaxValue / 2, 90000, 90000, long.MaxValue / 2 },
        { 200_000_000_000_000L, 12800, 90000, 1_406_250_000_000_000L }, // the product overflows 64 bits
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rescales_exactly(long time, int from, int to, long expected) =>
        Assert.Equal(expected, RtpClock.Rescale(time, from, to));

    [Fact]
    public void Frames_rescaled_one_by_one_never_drift_from_the_exact_time()
    {
        // 25 fps at 15360 Hz is 614.4 ticks: ffmpeg writes 614 and 615. Each RTP time is the nearest tick below exact.
        for (long frame = 0; frame < 25 * 3600 * 24; frame += 997)
        {
            var source = frame * 15360 / 25;
            var rtp = RtpClock.Rescale(source, 15360, 90000);
            Assert.InRange(frame * 3600 - rtp, 0, 5);
        }
    }

    [Theory]
    [InlineData(90000, 90000, 1L << 32)]
    [InlineData(15360, 7680, 1L << 31)]
    [InlineData(48000, 1, 89478)]   // 2^32 / 48000 = 89478.4
    [InlineData(1000, -1, -4294968)] // rounds down, as Rescale
    public void Converts_to_ntp_units(int timescale, long time, long expected) =>
        Assert.Equal(expected, RtpClock.ToNtp(time, timescale));

    [Fact]
    public void Refuses_a_clock_of_zero()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RtpClock.Rescale(1, 0, 90000));
        Assert.Throws<ArgumentOutOfRangeException>(() => RtpClock.Rescale(1, 90000, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RtpClock.ToNtp(1, 0));
    }
}
