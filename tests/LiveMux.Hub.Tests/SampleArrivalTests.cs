using LiveMux.Hub.Tests.Infrastructure;
using LiveMux.Media.Mp4;
using static LiveMux.Hub.Tests.Infrastructure.StreamFixture;

namespace LiveMux.Hub.Tests;

/// <summary>The hub stamps each sample with its arrival (an egress's prft) and places it on the stream timeline.</summary>
public sealed class SampleArrivalTests
{
    [Fact]
    public async Task Each_sample_carries_the_hub_clock_at_arrival()
    {
        await using var f = new StreamFixture();
        f.Camera.TrackCount = 2;
        using var subscription = f.Stream.Subscribe();
        var session = await f.Camera.NextSessionAsync();
        var audio = new FakeAudio();
        session.Announce(audio.Config, 1);

        var arrivals = new List<DateTimeOffset>();
        for (var i = 0; i < 4; i++)
        {
            arrivals.Add(f.Time.GetUtcNow());
            session.Push(f.Small, i, i == 0, Ts(i));
            f.Time.Advance(TimeSpan.FromMilliseconds(10));
            arrivals.Add(f.Time.GetUtcNow());
            session.PushAudio(audio, 100 + i, audio.Ts(i));
            f.Time.Advance(TimeSpan.FromMilliseconds(23));
        }

        var received = new List<(DateTimeOffset At, int Track)>();
        using var cts = new CancellationTokenSource(Wait.Timeout);
        while (received.Count < arrivals.Count && await subscription.ReadAsync(cts.Token) is { } item)
        {
            if (item.Frame is { } sample)
            {
                received.Add((ProducerReferenceTime.FromNtp(sample.ReceivedNtp), item.Track));
                sample.Release();
            }
        }

        // The keyframe came first, so every unit was placed: video, audio, video, audio...
        Assert.Equal(arrivals, received.Select(r => r.At));
        Assert.Equal([0, 1, 0, 1, 0, 1, 0, 1], received.Select(r => r.Track));
    }

    [Fact]
    public async Task A_keyframe_request_reaches_the_running_source()
    {
        await using var f = new StreamFixture();
        f.Stream.RequestKeyframe(); // no session yet: nothing to ask
        using var viewer = f.Join();
        var session = await f.Camera.NextSessionAsync();
        f.Stream.RequestKeyframe();
        f.Stream.RequestKeyframe();
        Assert.Equal(2, session.KeyframeRequests);
    }
}
