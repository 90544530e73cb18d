using LiveMux.Media.Rtp;

namespace LiveMux.Media.Tests.Rtp;

public sealed class TimestampUnwrapperTests
{
    // A sequence of 32-bit RTP timestamps and the 64-bit values expected for each.
    public static TheoryData<uint[], long[]> Sequences => new()
    {
        // Steady 30 fps at 90 kHz, no wrap.
        { [1000, 4000, 7000], [1000, 4000, 7000] },

        // Forward across 2^32.
        { [0xFFFFF000, 0xFFFFFBB8, 0x00000770, 0x00001328], [0xFFFFF000, 0xFFFFFBB8, 0x100000770, 0x100001328] },

        // Starting right below the wrap: the very first step wraps.
        { [0xFFFFFFFF, 0x00000000, 0x00000001], [0xFFFFFFFF, 0x100000000, 0x100000001] },

        // B-frames: presentation timestamps step backwards, across the wrap in both directions.
        { [0xFFFFE890, 0x00000000, 0xFFFFF448, 0x00001770, 0x00000BB8], [0xFFFFE890, 0x100000000, 0xFFFFF448, 0x100001770, 0x100000BB8] },

        // Backwards from the start: goes below the first value, even below zero.
        { [3000, 0, 0xFFFFF448], [3000, 0, -3000] },

        // Two full wraps in steps just under 2^31.
        { [0, 0x7FFFFFFF, 0xFFFFFFFE, 0x7FFFFFFD], [0, 0x7FFFFFFF, 0xFFFFFFFE, 0x17FFFFFFD] },

        // A repeated timestamp (several packets of one frame) does not move.
        { [0xFFFFFFF0, 0xFFFFFFF0, 0x10, 0x10], [0xFFFFFFF0, 0xFFFFFFF0, 0x100000010, 0x100000010] },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Unwraps_with_signed_32_bit_steps(uint[] input, long[] expected)
    {
        var unwrapper = new TimestampUnwrapper();
        var actual = input.Select(t => unwrapper.Unwrap(t)).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Hours_of_30_fps_at_90_kHz_stay_monotonic_across_several_wraps()
    {
        var unwrapper = new TimestampUnwrapper();
        var start = 0xF0000000u;
        long previous = unwrapper.Unwrap(start);
        for (var frame = 1; frame < 30 * 60 * 60 * 30; frame += 7)
        {
            var rtp = unchecked(start + (uint)(frame * 3000));
            var value = unwrapper.Unwrap(rtp);
            Assert.Equal(start + (frame * 3000L), value);
            Assert.True(value > previous);
            previous = value;
        }
    }

    [Fact]
    public void Reset_starts_again_from_the_next_value()
    {
        var unwrapper = new TimestampUnwrapper();
        unwrapper.Unwrap(0xFFFFFFFF);
        unwrapper.Unwrap(5);
        unwrapper.Reset();
        Assert.Equal(5, unwrapper.Unwrap(5));
    }
}
