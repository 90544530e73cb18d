using LiveMux.Media.Formats;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// The demo clip as a source: its frames as samples, looped forever in real time, as a camera would send them.
/// Each frame's due time is computed from the start time (not from the previous frame), so the stream does not
/// drift. Timestamps advance <see cref="DemoClip.TicksPerFrame"/> per frame across loops, skipped frames included.
/// A source that wakes more than a second late (a process stall) skips to the next IDR instead of bursting.
/// </summary>
internal sealed class ClipSource(DemoClipContent clip, TimeProvider time, ILogger logger) : IStreamSource
{
    private static readonly TimeSpan MaxLateness = TimeSpan.FromSeconds(1);

    public string Description => "the demo clip";

    /// <summary>Due time of frame <paramref name="frame"/> in <see cref="TimeProvider"/> timestamp units.</summary>
    public static long DueTimestamp(long start, long frame, long frequency, int frameRate)
        => start + (frame / frameRate * frequency) + (frame % frameRate * frequency / frameRate);

    public async Task RunAsync(ISampleSink sink, CancellationToken ct)
    {
        var format = clip.Format(payloadType: 96);
        using var depacketizer = format.CreateDepacketizer();
        var config = depacketizer.Config ?? throw new InvalidOperationException("the demo clip's SPS/PPS give no decoder configuration");
        sink.OnSessionStarted(1);
        sink.OnTrackFormat(0, format);
        sink.OnTrackConfig(0, config);

        var frequency = time.TimestampFrequency;
        var start = time.GetTimestamp();
        var maxLateTicks = (long)(MaxLateness.TotalSeconds * frequency);
        var waitForIdr = false;
        var units = clip.AccessUnits;
        for (long frame = 0; ; frame++)
        {
            var due = DueTimestamp(start, frame, frequency, DemoClip.FrameRate);
            var now = time.GetTimestamp();
            if (due > now)
            {
                await Task.Delay(time.GetElapsedTime(now, due), time, ct).ConfigureAwait(false);
                now = time.GetTimestamp();
            }

            var unit = units[(int)(frame % units.Count)];
            if (!unit.IsIdr && (waitForIdr || now - due > maxLateTicks))
            {
                if (!waitForIdr)
                {
                    logger.ClipLate(time.GetElapsedTime(due, now));
                    waitForIdr = true;
                }

                continue;
            }

            waitForIdr = false;
            var timestamp = frame * DemoClip.TicksPerFrame;
            var sample = Sample.Rent(unit.Data.Length, timestamp, timestamp, 0, unit.IsIdr, out var bytes);
            unit.Data.Span.CopyTo(bytes);
            sink.OnPacket(unit.Data.Length);
            sink.OnSample(0, config, sample);
        }
    }
}
