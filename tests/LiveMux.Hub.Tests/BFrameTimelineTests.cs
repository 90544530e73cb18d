using LiveMux.Hub.Tests.Infrastructure;
using LiveMux.Rtsp;
using static LiveMux.Hub.Tests.Infrastructure.StreamFixture;

namespace LiveMux.Hub.Tests;

/// <summary>
/// B-frames through the stream: frames arrive in decode order carrying presentation times (RTP), the
/// fragments' tfdt runs on decode time and their composition offsets put every frame back at its
/// presentation time, across a reconnect too.
/// </summary>
public sealed class BFrameTimelineTests
{
    // IBBP in decode order: the display index of each frame, as x264 with bframes=2 sends them.
    private static readonly int[] DecodeOrder = [0, 3, 1, 2, 6, 4, 5, 9, 7, 8];

    [Fact]
    public async Task Fragments_run_on_decode_time_and_show_each_frame_at_its_presentation_time()
    {
        await using var f = new StreamFixture();
        using var a = f.Join();
        var session = await f.Camera.NextSessionAsync();
        foreach (var id in DecodeOrder)
        {
            session.Push(f.Large, id, id == 0, Ts(id));
        }

        var media = a.Drain().Where(r => r.Kind == FragmentKind.Media).ToList();
        Assert.Equal(DecodeOrder, media.Select(m => m.FrameId));
        AssertDecodeOrderAndPresentation(media, media[0]);

        // The first fragment a viewer gets is the one shown first: its presentation time starts the
        // viewer's edit list, so video starts at 0.
        Assert.Equal(media.Min(m => (long)m.Tfdt + m.Cto), (long)media[0].Tfdt + media[0].Cto);
    }

    [Fact]
    public async Task A_reconnect_continues_the_decode_timeline_and_keeps_the_offsets()
    {
        await using var f = new StreamFixture();
        using var a = f.Join();
        var first = await f.Camera.NextSessionAsync();
        foreach (var id in DecodeOrder)
        {
            first.Push(f.Large, id, id == 0, Ts(id));
        }

        first.Fail(new RtspException(RtspErrorKind.ConnectionClosed, "camera closed the connection"));
        f.Time.Advance(await f.Time.NextTimerAsync());
        var second = await f.Camera.NextSessionAsync();
        using var again = new H264Camera(H264Camera.Main640x360);
        foreach (var id in DecodeOrder)
        {
            second.Push(again, 100 + id, id == 0, Ts(id, 12345));
        }

        var media = a.Drain().Where(r => r.Kind == FragmentKind.Media).ToList();
        Assert.Equal(2 * DecodeOrder.Length, media.Count);
        var before = media[..DecodeOrder.Length];
        var after = media[DecodeOrder.Length..];
        AssertDecodeOrderAndPresentation(before, before[0]);
        AssertDecodeOrderAndPresentation(after, after[0]);
        Assert.True(after[0].Tfdt > before[^1].Tfdt, "the timeline went back");
        Assert.True(after[0].Tfdt - before[^1].Tfdt <= 2 * FrameTicks, $"a gap of {after[0].Tfdt - before[^1].Tfdt}");
        Assert.Equal(before.Select(m => m.Cto), after.Select(m => m.Cto));
    }

    private static void AssertDecodeOrderAndPresentation(List<Received> media, Received first)
    {
        var firstId = first.FrameId;
        for (var i = 0; i < media.Count; i++)
        {
            Assert.True(media[i].Cto >= 0, $"frame {media[i].FrameId}: composition offset {media[i].Cto}");
            if (i > 0)
            {
                Assert.True(media[i].Tfdt > media[i - 1].Tfdt, $"frame {media[i].FrameId}: tfdt {media[i].Tfdt} after {media[i - 1].Tfdt}");
            }

            var shown = (long)media[i].Tfdt + media[i].Cto - ((long)first.Tfdt + first.Cto);
            Assert.Equal((media[i].FrameId - firstId) * (long)FrameTicks, shown);
        }
    }
}
