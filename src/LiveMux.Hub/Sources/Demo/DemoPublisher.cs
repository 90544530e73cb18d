using LiveMux.Rtsp.Server;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// Publishes the clip into a <see cref="ServerStream"/>, looped forever in real time, as a camera would send it.
/// Each frame's due time is computed from the start time (not from the previous frame), so the stream does not
/// drift. Timestamps advance <see cref="DemoClip.TicksPerFrame"/> per frame across loops, skipped frames
/// included (the egress adds its random initial timestamp). A publisher that wakes more than a second late (a
/// process stall) skips to the next IDR instead of bursting. Readers that fall behind are the server's business (its live policy), not the publisher's.
/// </summary>
internal sealed class DemoPublisher
{
    private static readonly TimeSpan MaxLateness = TimeSpan.FromSeconds(1);

    private readonly DemoClipContent _clip;
    private readonly RtpEgress _egress;
    private readonly ServerStream _stream;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _framesPublished;
    private long _framesSkipped;

    public DemoPublisher(DemoClipContent clip, RtpEgress egress, ServerStream stream, TimeProvider time, ILogger logger)
    {
        _clip = clip;
        _egress = egress;
        _stream = stream;
        _time = time;
        _logger = logger;
    }

    public long FramesPublished => Interlocked.Read(ref _framesPublished);

    public long FramesSkipped => Interlocked.Read(ref _framesSkipped);

    /// <summary>Due time of frame <paramref name="frame"/> in <see cref="TimeProvider"/> timestamp units.</summary>
    public static long DueTimestamp(long start, long frame, long frequency, int frameRate)
        => start + (frame / frameRate * frequency) + (frame % frameRate * frequency / frameRate);

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        long frequency = _time.TimestampFrequency;
        long start = _time.GetTimestamp();
        long maxLateTicks = (long)(MaxLateness.TotalSeconds * frequency);
        bool waitForIdr = false;
        IReadOnlyList<DemoAccessUnit> units = _clip.AccessUnits;

        for (long frame = 0; ; frame++)
        {
            long due = DueTimestamp(start, frame, frequency, DemoClip.FrameRate);
            long now = _time.GetTimestamp();
            if (due > now)
            {
                await Task.Delay(_time.GetElapsedTime(now, due), _time, ct).ConfigureAwait(false);
                now = _time.GetTimestamp();
            }

            DemoAccessUnit au = units[(int)(frame % units.Count)];
            if (!au.IsIdr && (waitForIdr || now - due > maxLateTicks))
            {
                if (!waitForIdr)
                {
                    _logger.PublisherLate(_time.GetElapsedTime(due, now));
                    waitForIdr = true;
                }

                Interlocked.Increment(ref _framesSkipped);
                continue;
            }

            waitForIdr = false;
            _stream.WriteFrame(0, _egress.Packetize(au.Data.Span, frame * DemoClip.TicksPerFrame, au.IsIdr));
            Interlocked.Increment(ref _framesPublished);
        }
    }
}
