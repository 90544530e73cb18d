using LiveMux.Hub.Sources.Demo;
using LiveMux.Hub.Tests.Infrastructure;
using LiveMux.Media.Formats;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveMux.Hub.Tests.Sources.Demo;

/// <summary>The demo clip as a stream: paced in real time, typed, and on a steady timeline.</summary>
public sealed class ClipSourceTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1_000_000 / 30)]
    [InlineData(29, 29 * 1_000_000 / 30)]
    [InlineData(30, 1_000_000)]
    [InlineData(30L * 3600 * 24 * 365, 3600L * 24 * 365 * 1_000_000)] // a year in: no drift, no overflow
    public void Frame_due_times_come_from_the_start_time(long frame, long expectedOffset)
        => Assert.Equal(5 + expectedOffset, ClipSource.DueTimestamp(5, frame, 1_000_000, 30));

    [Fact]
    public async Task The_clip_stream_starts_at_a_keyframe_with_its_h264_format_and_30_fps_timestamps()
    {
        await using var stream = DemoClipStream.Create(TimeProvider.System, NullLogger.Instance);
        using var viewer = new Viewer(stream.Subscribe());
        var format = await viewer.NextAsync();
        Assert.Equal("init:640x360", format!.ToString());
        var h264 = Assert.IsType<H264Format>(format.Format!.FormatOf(0));
        Assert.Equal(DemoClip.Sps.ToArray(), h264.Sps);
        Assert.Equal(DemoClip.Pps.ToArray(), h264.Pps);

        var frames = new List<Received>();
        while (frames.Count < 10)
        {
            if (await viewer.NextAsync() is { Kind: FragmentKind.Media } frame)
            {
                frames.Add(frame);
            }
        }

        Assert.True(frames[0].IsKeyframe, "the first frame is no keyframe");
        Assert.All(frames.Zip(frames.Skip(1)), pair => Assert.Equal(DemoClip.TicksPerFrame, pair.Second.Tfdt - pair.First.Tfdt));
    }
}
