using LiveMux.Rtsp.Client;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Rtsp.Tests.Client;

public sealed class RtcpFeedbackTests
{
    // Sequence numbers received, then: whether a sender report came and how long before the report (ms);
    // expected fraction lost (1/256), cumulative lost, extended highest sequence, LSR, DLSR (1/65536 s).
    [Theory]
    [InlineData(new[] { 1, 2, 3, 4 }, false, 0, 0, 0, 4u, 0u, 0u)]
    [InlineData(new[] { 1, 2, 4 }, false, 0, 64, 1, 4u, 0u, 0u)]
    [InlineData(new[] { 1, 2, 3, 4 }, true, 1500, 0, 0, 4u, 0x5678_9ABCu, 98304u)]
    [InlineData(new[] { 65535, 1 }, true, 0, 85, 1, 65536u + 1, 0x5678_9ABCu, 0u)]
    public void Report_block_carries_loss_and_the_last_sender_report(
        int[] seqs, bool senderReport, int sinceSenderReportMs, int fraction, int lost, uint highest, uint lsr, uint dlsr)
    {
        var time = new FakeTimeProvider();
        var r = new TrackReception(0, 90000, null);
        foreach (var seq in seqs)
        {
            r.Count((ushort)seq, 0, 0xCAFE, time.GetTimestamp(), time.TimestampFrequency);
        }
        if (senderReport)
        {
            r.LastSenderReportMiddle = 0x5678_9ABC;
            r.LastSenderReportAt = time.GetTimestamp();
        }
        time.Advance(TimeSpan.FromMilliseconds(sinceSenderReportMs));

        var block = RtcpFeedback.ReportBlock(r, time.GetTimestamp(), time);

        Assert.NotNull(block);
        var b = block.Value;
        Assert.Equal(0xCAFEu, b.SourceSsrc);
        Assert.Equal(fraction, b.FractionLost);
        Assert.Equal(lost, b.CumulativeLost);
        Assert.Equal(highest, b.ExtendedHighestSequence);
        Assert.Equal(lsr, b.LastSenderReport);
        Assert.Equal(dlsr, b.DelaySinceLastSenderReport);
        // The fraction is per report interval: with nothing new, the next report says 0.
        Assert.Equal(0, RtcpFeedback.ReportBlock(r, time.GetTimestamp(), time)!.Value.FractionLost);
    }

    [Fact]
    public void No_block_before_the_first_packet()
    {
        var time = new FakeTimeProvider();
        Assert.Null(RtcpFeedback.ReportBlock(new TrackReception(0, 90000, null), time.GetTimestamp(), time));
    }
}
