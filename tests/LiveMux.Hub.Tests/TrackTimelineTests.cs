namespace LiveMux.Hub.Tests;

/// <summary>The output decode timeline: gap-free across source restarts and camera jumps, never decreasing.</summary>
public sealed class TrackTimelineTests
{
    private const long MaxJump = 5 * 90000;
    private const int Default = 3600; // 25 fps, before two frames give a real interval

    public static TheoryData<string, long[], ulong[], uint[]> Cases => new()
    {
        // name, input timestamps (long.MinValue = Rebase), expected dts, expected durations
        { "steady 30 fps", [90000, 93000, 96000], [0, 3000, 6000], [Default, 3000, 3000] },
        { "duration is the previous interval", [1000, 4000, 10000, 11500], [0, 3000, 9000, 10500], [Default, 3000, 6000, 1500] },
        { "restart with a random RTP base continues at the end", [1000, 4000, 7000, long.MinValue, 3_987_654_321, 3_987_657_321], [0, 3000, 6000, 9000, 12000], [Default, 3000, 3000, 3000, 3000] },
        { "restart keeps the last interval", [0, 6000, long.MinValue, 500, 3500], [0, 6000, 12000, 15000], [Default, 6000, 6000, 3000] },
        { "a forward jump beyond maxJump is rebased", [0, 3000, 3000 + (10 * 90000), (10 * 90000) + 6000], [0, 3000, 6000, 9000], [Default, 3000, 3000, 3000] },
        { "a jump of exactly maxJump is kept", [0, 3000, 3000 + MaxJump], [0, 3000, 3000 + MaxJump], [Default, 3000, (uint)MaxJump] },
        { "backwards is rebased forwards", [0, 3000, 1000, 4000], [0, 3000, 6000, 9000], [Default, 3000, 3000, 3000] },
        { "a repeated timestamp is rebased forwards", [0, 3000, 3000], [0, 3000, 6000], [Default, 3000, 3000] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Timeline(string name, long[] input, ulong[] dts, uint[] durations)
    {
        var timeline = default(TrackTimeline);
        var actual = new List<(ulong Dts, uint Duration)>();
        foreach (var t in input)
        {
            if (t == long.MinValue)
            {
                timeline.Rebase();
            }
            else
            {
                actual.Add(timeline.Next(t, Default, MaxJump));
            }
        }

        Assert.True(dts.SequenceEqual(actual.Select(a => a.Dts)), $"{name}: dts {string.Join(",", actual.Select(a => a.Dts))}");
        Assert.True(durations.SequenceEqual(actual.Select(a => a.Duration)), $"{name}: durations {string.Join(",", actual.Select(a => a.Duration))}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Arbitrary_input_never_decreases_and_never_leaves_a_gap_beyond_the_previous_duration(int seed)
    {
        var random = new Random(seed);
        var timeline = default(TrackTimeline);
        long timestamp = random.NextInt64(0, uint.MaxValue);
        ulong lastDts = 0;
        uint lastDuration = 0;
        for (var i = 0; i < 2000; i++)
        {
            if (random.Next(50) == 0)
            {
                timeline.Rebase();
                timestamp = random.NextInt64(0, uint.MaxValue);
            }
            else
            {
                timestamp += random.Next(8) switch
                {
                    0 => -random.Next(1, 10000),
                    1 => random.Next((int)MaxJump * 3),
                    2 => 0,
                    _ => random.Next(2000, 4000),
                };
            }

            var (dts, duration) = timeline.Next(timestamp, Default, MaxJump);
            Assert.True(duration > 0);
            if (i > 0)
            {
                Assert.True(dts > lastDts, $"frame {i}: dts {dts} after {lastDts}");
                Assert.True(dts - lastDts <= (ulong)MaxJump, $"frame {i}: a step of {dts - lastDts}");
                Assert.True(dts - lastDts == duration || dts - lastDts == lastDuration, $"frame {i}: step {dts - lastDts}, duration {duration}, previous {lastDuration}");
            }

            (lastDts, lastDuration) = (dts, duration);
        }
    }

    public static TheoryData<string, long[], long[], ulong[], int[]> BFrameCases => new()
    {
        // name, input dts, input pts (long.MinValue = Rebase), expected output dts, expected composition offsets
        { "IBBP: dts drives the timeline, pts - dts rides along", [-3000, 0, 3000, 6000, 9000], [0, 9000, 3000, 6000, 18000], [0, 3000, 6000, 9000, 12000], [3000, 9000, 0, 0, 9000] },
        { "reconnect: continues at the end, offsets kept", [-3000, 0, long.MinValue, 500_000, 503_000], [0, 9000, 506_000, 509_000], [0, 3000, 6000, 9000], [3000, 9000, 6000, 6000] },
        { "a negative offset (dts above pts while a learnt depth catches up) is carried", [0, 3000], [0, 1500], [0, 3000], [0, -1500] },
    };

    [Theory]
    [MemberData(nameof(BFrameCases))]
    public void Decode_timeline_with_composition_offsets(string name, long[] dtsIn, long[] ptsIn, ulong[] dts, int[] offsets)
    {
        var timeline = default(TrackTimeline);
        var actual = new List<(ulong Dts, uint Duration, int Cto)>();
        for (int i = 0, p = 0; i < dtsIn.Length; i++)
        {
            if (dtsIn[i] == long.MinValue)
            {
                timeline.Rebase();
                continue;
            }

            actual.Add(timeline.Next(dtsIn[i], ptsIn[p++], Default, MaxJump));
        }

        Assert.True(dts.SequenceEqual(actual.Select(a => a.Dts)), $"{name}: dts {string.Join(",", actual.Select(a => a.Dts))}");
        Assert.True(offsets.SequenceEqual(actual.Select(a => a.Cto)), $"{name}: offsets {string.Join(",", actual.Select(a => a.Cto))}");
        Assert.All(actual.Skip(1), a => Assert.Equal(3000u, a.Duration));
    }
}
