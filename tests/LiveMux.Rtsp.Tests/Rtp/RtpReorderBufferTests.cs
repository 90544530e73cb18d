using LiveMux.Rtsp.Rtp;

namespace LiveMux.Rtsp.Tests.Rtp;

public sealed class RtpReorderBufferTests
{
    /// <summary>One arrival: a sequence number at a time (ms), or a poll (seq -1) at a time.</summary>
    public sealed record Step(int Seq, long At);

    // Arrivals -> released order, reordered, late+duplicates, skipped. MaxPackets 4, MaxWait 50.
    public static TheoryData<string, int[], int[], long, long, long> Cases() => new()
    {
        { "in order", [1, 2, 3, 4], [1, 2, 3, 4], 0, 0, 0 },
        { "swap restored", [1, 3, 2, 4], [1, 2, 3, 4], 1, 0, 0 },
        { "three back restored", [10, 13, 12, 11, 14], [10, 11, 12, 13, 14], 2, 0, 0 },
        { "duplicate of released dropped", [1, 2, 2, 3], [1, 2, 3], 0, 1, 0 },
        { "duplicate of held dropped", [1, 3, 3, 2], [1, 2, 3], 1, 1, 0 },
        { "full buffer gives the gap up", [1, 3, 4, 5, 6], [1, 3, 4, 5, 6], 0, 0, 1 },
        { "late after give-up dropped", [1, 3, 4, 5, 6, 2], [1, 3, 4, 5, 6], 0, 1, 1 },
        { "wrap around 65535", [65534, 0, 65535, 1], [65534, 65535, 0, 1], 1, 0, 0 },
        { "far jump restarts", [100, 102, 9000, 9001], [100, 102, 9000, 9001], 0, 0, 1 },
        { "too far ahead to hold skips", [1, 9], [1, 9], 0, 0, 7 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Releases_in_order_and_counts(string name, int[] arrivals, int[] released, long reordered, long lateOrDuplicate, long skipped)
    {
        var returned = new List<byte[]>();
        var buffer = new RtpReorderBuffer(4, 50, returned.Add);
        var output = new List<int>();
        foreach (var seq in arrivals)
        {
            buffer.Push((ushort)seq, [(byte)seq], 1, 0);
            Collect(buffer, output);
        }
        buffer.FlushAll();
        Collect(buffer, output);
        Assert.True(released.SequenceEqual(output), $"{name}: released {string.Join(",", output)}");
        Assert.Equal(reordered, buffer.Reordered);
        Assert.Equal(lateOrDuplicate, buffer.Late + buffer.Duplicates);
        Assert.Equal(skipped, buffer.Skipped);
        // Every buffer comes back exactly once: delivered or returned.
        Assert.Equal(arrivals.Length, output.Count + returned.Count);
        Assert.Equal(0, buffer.Held);
    }

    [Fact]
    public void Gap_is_held_until_max_wait_then_given_up()
    {
        var buffer = new RtpReorderBuffer(64, 50, _ => { });
        var output = new List<int>();
        buffer.Push(1, [1], 1, 0);
        buffer.Push(3, [3], 1, 10);
        buffer.Push(4, [4], 1, 20);
        Collect(buffer, output);
        Assert.Equal([1], output);
        buffer.Poll(59); // 3 has waited 49
        Collect(buffer, output);
        Assert.Equal([1], output);
        buffer.Poll(60);
        Collect(buffer, output);
        Assert.Equal([1, 3, 4], output);
        Assert.Equal(1, buffer.Skipped);
        Assert.Equal(0, buffer.Held);
    }

    [Fact]
    public void Holds_at_most_max_packets()
    {
        var buffer = new RtpReorderBuffer(64, long.MaxValue, _ => { });
        var output = new List<int>();
        buffer.Push(0, [0], 1, 0);
        for (var seq = 2; seq < 1000; seq++)
        {
            buffer.Push((ushort)seq, [1], 1, 0);
            Assert.True(buffer.Held < 64);
        }
        Collect(buffer, output);
        Assert.Equal(999, output.Count);
        Assert.Equal(1, buffer.Skipped);
    }

    private static void Collect(RtpReorderBuffer buffer, List<int> output)
    {
        while (buffer.TryDequeue(out var packet))
        {
            output.Add(packet.Sequence);
        }
    }
}
