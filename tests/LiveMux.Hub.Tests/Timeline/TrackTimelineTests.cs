using LiveMux.Hub.Timeline;

namespace LiveMux.Hub.Tests.Timeline;

/// <summary>The output decode timeline: gap-free across source restarts and camera jumps, never decreasing.</summary>
public sealed class TrackTimelineTests
{
    private const long MaxJump = 5 * 90000;
    private const int Default = 3600; // 25 fps, before two frames give a real interval

    /// <summary>One frame continuing the segment, as the muxer places a video frame (decode time in, no sync start).</summary>
    private static (ulong Dts, uint Duration) Next(ref TrackTimeline timeline, long timestamp)
    {
        Assert.True(timeline.TryNext(timestamp, Default, MaxJump, null, false, out var dts, out var duration));
        return (dts, duration);
    }

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
                actual.Add(Next(ref timeline, t));
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

            var (dts, duration) = Next(ref timeline, timestamp);
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

            var pts = ptsIn[p++];
            var (placed, length) = Next(ref timeline, dtsIn[i]);
            actual.Add((placed, length, TrackTimeline.CompositionOffset(dtsIn[i], pts)));
        }

        Assert.True(dts.SequenceEqual(actual.Select(a => a.Dts)), $"{name}: dts {string.Join(",", actual.Select(a => a.Dts))}");
        Assert.True(offsets.SequenceEqual(actual.Select(a => a.Cto)), $"{name}: offsets {string.Join(",", actual.Select(a => a.Cto))}");
        Assert.All(actual.Skip(1), a => Assert.Equal(3000u, a.Duration));
    }

    public static TheoryData<string, string, string> Segments => new()
    {
        // name, ops ("f<ts>" frame, "s<ts>@<startAt>" first frame of a segment, "d<ts>@<startAt>" the same for audio
        // (drops what would overlap), "r" rebase, "+<ticks>"/"-<ticks>" shift, "g<ts>" frame with gaps closed, "e<ts>:<duration>" frame of a stated duration),
        // expected "dts/duration" per placed frame, "x" per dropped one
        { "a segment starts where its sync says", "f0 f3000 r s50000@20000 f53000", "0/3600 3000/3000 20000/3000 23000/3000" },
        { "a start before the end is clamped for video", "f0 f3000 r s50000@5000", "0/3600 3000/3000 6000/3000" },
        { "a start before the end is dropped for audio, the next frame starts", "f0 f1024 r d9000@1500 d10024@2524", "0/3600 1024/1024 x 2524/1024" },
        { "a start far before the end is clamped even for audio", "f0 f1024 r d9000@-500000", "0/3600 1024/1024 2048/1024" },
        { "a forward shift leaves a gap and keeps the duration", "f0 f1024 +4800 f2048 f3072", "0/3600 1024/1024 6848/1024 7872/1024" },
        { "a backward shift drops what would overlap", "f0 f1024 f2048 -2000 f3072 f4096 f5120 f6144", "0/3600 1024/1024 2048/1024 x x 3120/1024 4144/1024" },
        { "lost frames: a gap over twice the duration is closed", "g0 g3000 g6000 g60000 g63000", "0/3600 3000/3000 6000/3000 9000/3000 12000/3000" },
        { "a gap of twice the duration is kept", "g0 g3000 g9000", "0/3600 3000/3000 9000/6000" },
        { "an exact duration is the frame's own, from the first frame on", "e0:1024 e1024:1024 e2048:960 e3008:960", "0/1024 1024/1024 2048/960 3008/960" },
    };

    [Theory]
    [MemberData(nameof(Segments))]
    public void Segment_starts_shifts_and_gaps(string name, string ops, string expected)
    {
        var timeline = default(TrackTimeline);
        var actual = new List<string>();
        foreach (var op in ops.Split(' '))
        {
            switch (op[0])
            {
                case 'r':
                    timeline.Rebase();
                    break;
                case '+' or '-':
                    timeline.Shift(long.Parse(op, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    var parts = op[1..].Split('@', ':');
                    var ts = long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                    var extra = parts.Length > 1 ? long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : (long?)null;
                    var exact = op[0] == 'e' ? (int)extra!.Value : 0;
                    long? startAt = op[0] == 'e' ? null : extra;
                    var placed = timeline.TryNext(ts, Default, MaxJump, startAt, dropBeforeEnd: op[0] == 'd', closeGaps: op[0] == 'g', out var dts, out var duration, exact);
                    actual.Add(placed ? $"{dts}/{duration}" : "x");
                    break;
            }
        }

        Assert.True(expected == string.Join(" ", actual), $"{name}: {string.Join(" ", actual)}");
    }
}
