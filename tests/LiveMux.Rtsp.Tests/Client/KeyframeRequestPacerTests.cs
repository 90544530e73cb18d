using LiveMux.Rtsp.Client;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Rtsp.Tests.Client;

public sealed class KeyframeRequestPacerTests
{
    // Each step: milliseconds since start, the reorder buffer's skip counter, whether loss counts, an explicit request
    // before the step; then whether a PLI is due (and, when due, it is sent). Minimum interval: 1000 ms.
    public static TheoryData<string, (int Ms, long Skipped, bool OnLoss, bool Ask, bool Due)[]> Cases => new()
    {
        { "no loss, no request: nothing", [(0, 0, true, false, false), (5000, 0, true, false, false)] },
        { "first loss: at once", [(0, 2, true, false, true)] },
        { "the same skip count again: no new loss", [(0, 2, true, false, true), (2000, 2, true, false, false)] },
        { "a loss inside the interval is held, then sent when it is over, once",
            [(0, 1, true, false, true), (300, 2, true, false, false), (999, 2, true, false, false),
             (1000, 2, true, false, true), (1500, 2, true, false, false)] },
        { "two losses inside one interval make one request after it",
            [(0, 1, true, false, true), (100, 2, true, false, false), (200, 3, true, false, false),
             (1000, 3, true, false, true), (1001, 3, true, false, false)] },
        { "loss not counted (option off): nothing", [(0, 5, false, false, false), (2000, 9, false, false, false)] },
        { "an explicit request works with the option off", [(0, 5, false, true, true)] },
        { "an explicit request is paced too",
            [(0, 0, true, true, true), (10, 0, true, true, false), (1010, 0, true, false, true)] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decides_when_a_keyframe_request_goes_out(string name, (int Ms, long Skipped, bool OnLoss, bool Ask, bool Due)[] steps)
    {
        var time = new FakeTimeProvider();
        var pacer = new KeyframeRequestPacer(TimeSpan.FromSeconds(1), time);
        var elapsed = 0;
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            time.Advance(TimeSpan.FromMilliseconds(step.Ms - elapsed));
            elapsed = step.Ms;
            if (step.Ask)
            {
                pacer.Request();
            }
            var now = time.GetTimestamp();
            var due = pacer.IsDue(step.Skipped, step.OnLoss, now);
            Assert.True(step.Due == due, $"{name}: step {i} at {step.Ms} ms: due {due}");
            if (due)
            {
                pacer.Sent(now);
            }
        }
    }

    [Fact]
    public void A_held_request_is_pending_until_sent()
    {
        var time = new FakeTimeProvider();
        var pacer = new KeyframeRequestPacer(TimeSpan.FromSeconds(1), time);
        Assert.True(pacer.IsDue(1, true, time.GetTimestamp()));
        pacer.Sent(time.GetTimestamp());
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(pacer.IsDue(2, true, time.GetTimestamp()));
        Assert.True(pacer.Pending);
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(pacer.IsDue(2, true, time.GetTimestamp()));
        Assert.False(pacer.Pending);
    }
}
