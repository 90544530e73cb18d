using LiveMux.Rtsp.Client;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Rtsp.Tests.Client;

public sealed class KeepaliveTests
{
    // Interval 30 s (a 60 s session timeout). Loop passes at these seconds; the ones where a keepalive goes out.
    [Theory]
    [InlineData(new[] { 1, 10, 29 }, new int[0])]
    [InlineData(new[] { 30 }, new[] { 30 })]
    [InlineData(new[] { 29, 30, 31, 59, 60 }, new[] { 30, 60 })]
    // A late pass (the loop was busy) sends once; the next one is an interval after that send, not after the plan.
    [InlineData(new[] { 45, 60, 74, 75 }, new[] { 45, 75 })]
    [InlineData(new[] { 100, 101, 130 }, new[] { 100, 130 })]
    public void Sends_every_interval_from_the_last_send(int[] passes, int[] sentAt)
    {
        var time = new FakeTimeProvider();
        var keepalive = new Keepalive("GET_PARAMETER", TimeSpan.FromSeconds(30), time.GetTimestamp(), time);
        var sent = new List<int>();
        var elapsed = 0;
        var cseq = 10;
        foreach (var second in passes)
        {
            time.Advance(TimeSpan.FromSeconds(second - elapsed));
            elapsed = second;
            var now = time.GetTimestamp();
            if (keepalive.IsDue(now))
            {
                keepalive.Sent(++cseq, now);
                sent.Add(second);
            }
        }
        Assert.Equal(sentAt, sent);
        Assert.Equal(sent.Count == 0 ? -1 : cseq, keepalive.CSeq);
        Assert.Equal("GET_PARAMETER", keepalive.Method);
    }
}
