using LiveMux.Media.Rtp;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>Decode times from presentation times: exact for declared depths, monotonic and smooth when learnt.</summary>
public sealed class DecodeTimeEstimatorTests
{
    private const long F = 3000; // one frame at 30 fps, 90 kHz
    private const int Unknown = -1;
    private const long Restart = long.MinValue;

    public static TheoryData<string, int, long[], long[]> Cases => new()
    {
        // name, declared depth (-1: unknown), pts in decode order (frames; Restart = Reset()), expected dts (frames)
        { "R=0 IPPP: dts is pts", 0, [0, 1, 2, 3], [0, 1, 2, 3] },
        { "IBBP (x264 bframes=2, no pyramid), R=1", 1, [0, 3, 1, 2, 6, 4, 5], [-1, 0, 1, 2, 3, 4, 5] },
        { "IBP, R=1", 1, [0, 2, 1, 4, 3, 6, 5], [-1, 0, 1, 2, 3, 4, 5] },
        { "B-pyramid (bframes=3), R=2", 2, [0, 4, 2, 1, 3, 8, 6, 5, 7], [-2, -1, 0, 1, 2, 3, 4, 5, 6] },
        { "declared deeper than used: offset grows, stays exact", 2, [0, 2, 1, 4, 3], [-2, -1, 0, 1, 2] },
        { "unknown depth assumes 2", Unknown, [0, 1, 2, 3], [-2, -1, 0, 1] },
        { "restart: extrapolates again from the new first pts", 1, [0, 2, 1, Restart, 500, 502, 501], [-1, 0, 1, 499, 500, 501] },
        { "a clock jump far beyond any reorder starts over", 0, [0, 1, 2, 1000, 1001], [0, 1, 2, 1000, 1001] },
        { "a clock jump backwards starts over", 0, [1000, 1001, 5, 6], [1000, 1001, 5, 6] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_times(string name, int declared, long[] pts, long[] expected)
    {
        var estimator = new DecodeTimeEstimator(declared == Unknown ? null : declared, F);
        var actual = new List<long>();
        foreach (var p in pts)
        {
            if (p == Restart)
            {
                estimator.Reset();
                continue;
            }

            actual.Add(estimator.Next(p * F));
        }

        Assert.True(expected.Select(e => e * F).SequenceEqual(actual), $"{name}: {string.Join(",", actual.Select(a => a / (double)F))}");
    }

    [Theory]
    [InlineData(0x1_0000_0000L - (5 * F))] // unwrapped RTP time crossing 2^32
    [InlineData(123_456_789L)]
    public void Unwrapped_times_across_the_32_bit_wrap_are_plain_numbers(long start)
    {
        var estimator = new DecodeTimeEstimator(1, F);
        long[] pts = [0, 3, 1, 2, 6, 4, 5, 9, 7, 8];
        var dts = pts.Select(p => estimator.Next(start + (p * F))).ToArray();
        Assert.Equal(Enumerable.Range(-1, pts.Length).Select(i => start + (i * F)), dts);
    }

    public static TheoryData<int, bool, int> Structures => new()
    {
        // B-frames between anchors, B-pyramid, frame interval
        { 0, false, 3000 },
        { 1, false, 3000 },
        { 2, false, 3600 },
        { 3, false, 3000 },
        { 3, true, 18000 },
        { 7, true, 3000 },
        { 15, true, 1500 },
    };

    [Theory]
    [MemberData(nameof(Structures))]
    public void Declared_depth_gives_exact_decode_times_at_any_structure(int bframes, bool pyramid, int interval)
    {
        var pts = DecodeOrder(200, bframes, pyramid).Select(p => 90_000 + (p * interval)).ToArray();
        var depth = TrueDepth(pts);
        var estimator = new DecodeTimeEstimator(depth, interval);
        var sorted = pts.Order().ToArray();
        for (var i = 0; i < pts.Length; i++)
        {
            var dts = estimator.Next(pts[i]);
            Assert.True(dts <= pts[i], $"frame {i}: dts {dts} above pts {pts[i]}");
            if (i >= depth)
            {
                Assert.Equal(sorted[i - depth], dts);
            }
        }

        Assert.Equal(depth, estimator.ReorderDepth);
    }

    [Theory]
    [MemberData(nameof(Structures))]
    public void Unknown_depth_is_learnt_without_going_backwards_or_jumping(int bframes, bool pyramid, int interval)
    {
        var pts = DecodeOrder(300, bframes, pyramid).Select(p => 90_000 + (p * interval)).ToArray();
        var depth = TrueDepth(pts);
        // The default interval is the SPS frame rate's; the first frames are extrapolated with it.
        var estimator = new DecodeTimeEstimator(null, interval);
        var dts = pts.Select(estimator.Next).ToArray();
        for (var i = 1; i < dts.Length; i++)
        {
            var step = dts[i] - dts[i - 1];
            Assert.True(step > 0, $"frame {i}: dts {dts[i]} after {dts[i - 1]}");

            // MSE treats a decode-time step above twice the previous one as a discontinuity.
            if (i >= 2)
            {
                Assert.True(step <= 2 * (dts[i - 1] - dts[i - 2]), $"frame {i}: step {step} after {dts[i - 1] - dts[i - 2]}");
            }
        }

        Assert.Equal(Math.Max(depth, DecodeTimeEstimator.AssumedDepthWhenUnknown), estimator.ReorderDepth);

        // Once the bias taken on at the first deep reorder is paid back, dts is at or below pts again.
        for (var i = 100; i < dts.Length; i++)
        {
            Assert.True(dts[i] <= pts[i], $"frame {i}: dts {dts[i]} above pts {pts[i]}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_skip_in_a_settled_stream_is_passed_on_for_the_hub_to_judge(int depth)
    {
        // 40 frames in order, then 19 frames the camera never sent: the hub closes or keeps that gap,
        // which it can only see if decode time jumps with presentation time.
        var pts = Enumerable.Range(0, 40).Concat(Enumerable.Range(59, 5)).Select(i => 90_000L + (i * F)).ToArray();
        var estimator = new DecodeTimeEstimator(depth, F);
        var dts = pts.Select(estimator.Next).ToArray();
        Assert.Equal(pts[40] - pts[39], dts[40 + depth] - dts[39 + depth]);
    }

    [Fact]
    public void A_stream_deeper_than_declared_raises_the_depth()
    {
        var pts = DecodeOrder(60, 3, true).Select(p => p * F).ToArray();
        var estimator = new DecodeTimeEstimator(0, F);
        var dts = pts.Select(estimator.Next).ToArray();
        Assert.Equal(2, estimator.ReorderDepth);
        Assert.All(dts.Zip(dts.Skip(1)), pair => Assert.True(pair.Second > pair.First));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Jittery_and_shuffled_input_never_throws_and_never_goes_backwards(int seed)
    {
        // Camera clocks jitter, frames get dropped, and garbage reorders arbitrarily (within the window).
        var random = new Random(seed);
        var estimator = new DecodeTimeEstimator(random.Next(2) == 0 ? null : random.Next(0, 4), 3000);
        var pts = new List<long>();
        long t = random.NextInt64(0, uint.MaxValue);
        for (var i = 0; i < 3000; i++)
        {
            t += random.Next(10) == 0 ? random.Next(1, 20_000) : 3000 + random.Next(-300, 300);
            pts.Add(t);
        }

        for (var i = 0; i + 8 < pts.Count; i += 8)
        {
            var block = pts.GetRange(i, 8).OrderBy(_ => random.Next()).ToArray();
            pts.RemoveRange(i, 8);
            pts.InsertRange(i, block);
        }

        long? last = null;
        foreach (var p in pts)
        {
            var dts = estimator.Next(p);
            Assert.True(last is null || dts > last, $"dts {dts} after {last}");
            last = dts;
        }

        Assert.InRange(estimator.ReorderDepth, 1, 7);
    }

    /// <summary>Display indexes in decode order for mini-GOPs of an anchor then its B-frames (pyramid: middle first).</summary>
    private static List<long> DecodeOrder(int frames, int bframes, bool pyramid)
    {
        var order = new List<long> { 0 };
        for (var anchor = 0; anchor + bframes + 1 < frames; anchor += bframes + 1)
        {
            order.Add(anchor + bframes + 1);
            if (pyramid)
            {
                AddPyramid(order, anchor + 1, anchor + bframes);
            }
            else
            {
                for (var b = 1; b <= bframes; b++)
                {
                    order.Add(anchor + b);
                }
            }
        }

        return order;
    }

    private static void AddPyramid(List<long> order, long first, long last)
    {
        if (first > last)
        {
            return;
        }

        var middle = (first + last) / 2;
        order.Add(middle);
        AddPyramid(order, first, middle - 1);
        AddPyramid(order, middle + 1, last);
    }

    /// <summary>The definition: the most frames that precede one in decode order and follow it in output order.</summary>
    private static int TrueDepth(long[] pts) =>
        pts.Select((p, i) => pts.Take(i).Count(q => q > p)).Max();
}
