using System.Buffers.Binary;
using LiveMux.Hub.Tests.Infrastructure;
using LiveMux.Media.Mp4;
using static LiveMux.Hub.Tests.Infrastructure.StreamFixture;

namespace LiveMux.Hub.Tests;

/// <summary>Every media fragment starts with a prft: the hub clock's time the access unit arrived, and the sample's presentation time.</summary>
public sealed class ProducerReferenceTimeTests
{
    [Fact]
    public async Task Each_fragment_carries_the_hub_clock_at_arrival_and_its_presentation_time()
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

        var media = new List<byte[]>();
        using var cts = new CancellationTokenSource(Wait.Timeout);
        while (media.Count < arrivals.Count && await subscription.ReadAsync(cts.Token) is { } item)
        {
            if (item.Fragment is { } fragment)
            {
                if (fragment.Kind == FragmentKind.Media)
                {
                    media.Add(fragment.Memory.ToArray());
                }

                fragment.Release();
            }
        }

        // The keyframe came first, so every unit was muxed: video, audio, video, audio...
        Assert.Equal(arrivals.Count, media.Count);
        for (var i = 0; i < media.Count; i++)
        {
            var bytes = media[i];
            Assert.Equal("prft", System.Text.Encoding.ASCII.GetString(bytes, 4, 4));
            Assert.Equal(ProducerReferenceTime.Size, BinaryPrimitives.ReadInt32BigEndian(bytes));
            Assert.Equal("moof", System.Text.Encoding.ASCII.GetString(bytes, ProducerReferenceTime.Size + 4, 4));
            var prft = bytes.AsSpan(8);
            Assert.Equal(1, prft[0]);
            Assert.Equal(Viewer.TrackId(bytes), BinaryPrimitives.ReadUInt32BigEndian(prft[4..]));
            Assert.Equal(arrivals[i], ProducerReferenceTime.FromNtp(BinaryPrimitives.ReadUInt64BigEndian(prft[8..])));
            Assert.Equal((long)Viewer.Tfdt(bytes) + Viewer.Cto(bytes), (long)BinaryPrimitives.ReadUInt64BigEndian(prft[16..]));
        }
    }
}
