using System.Buffers;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// Sends the clip to one client, looped forever at its frame rate. Each frame's due time is computed
/// from the start time (not from the previous frame), so the stream does not drift. RTP timestamps
/// advance <see cref="DemoClip.TicksPerFrame"/> per frame across loops; sequence numbers are continuous.
/// When the client's queue is full, frames are dropped until the next IDR (never a part of a GOP is
/// sent); a client that takes no frame for <see cref="DemoRtspServerOptions.StallTimeout"/> is closed.
/// </summary>
internal sealed class DemoRtpStreamer
{
    // A pacer that wakes this late (a process stall) skips to the next IDR instead of bursting.
    private static readonly TimeSpan MaxLateness = TimeSpan.FromSeconds(1);

    private readonly DemoClipContent _clip;
    private readonly DemoSendQueue _queue;
    private readonly DemoRtspServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly System.Net.EndPoint? _remote;
    private readonly byte _channel;
    private ushort _sequence;
    private long _framesSent;
    private long _framesDropped;

    public DemoRtpStreamer(
        DemoClipContent clip, DemoSendQueue queue, DemoRtspServerOptions options, TimeProvider time, ILogger logger,
        System.Net.EndPoint? remote, byte channel, uint ssrc, ushort initialSequence, uint initialTimestamp)
    {
        _clip = clip;
        _queue = queue;
        _options = options;
        _time = time;
        _logger = logger;
        _remote = remote;
        _channel = channel;
        Ssrc = ssrc;
        _sequence = initialSequence;
        InitialTimestamp = initialTimestamp;
    }

    public uint Ssrc { get; }
    public uint InitialTimestamp { get; }
    public long FramesSent => Interlocked.Read(ref _framesSent);
    public long FramesDropped => Interlocked.Read(ref _framesDropped);

    /// <summary>Due time of frame <paramref name="frame"/> in <see cref="TimeProvider"/> timestamp units.</summary>
    public static long DueTimestamp(long start, long frame, long frequency, int frameRate)
        => start + (frame / frameRate * frequency) + (frame % frameRate * frequency / frameRate);

    /// <summary>Runs until cancelled; returns normally when the client stalled and should be closed.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        long frequency = _time.TimestampFrequency;
        long start = _time.GetTimestamp();
        long maxLateTicks = (long)(MaxLateness.TotalSeconds * frequency);
        long stallTicks = (long)(_options.StallTimeout.TotalSeconds * frequency);
        long lastAccepted = start;
        bool waitForIdr = false;
        IReadOnlyList<DemoAccessUnit> units = _clip.AccessUnits;

        for (long frame = 0; ; frame++)
        {
            long due = DueTimestamp(start, frame, frequency, DemoClip.FrameRate);
            long now = _time.GetTimestamp();
            if (due > now)
            {
                await Task.Delay(_time.GetElapsedTime(now, due), _time, ct);
                now = _time.GetTimestamp();
            }

            DemoAccessUnit au = units[(int)(frame % units.Count)];
            uint timestamp = unchecked(InitialTimestamp + (uint)(frame * DemoClip.TicksPerFrame));
            if (!au.IsIdr && (waitForIdr || now - due > maxLateTicks))
            {
                Drop(ref waitForIdr);
                continue;
            }

            if (TrySend(au, timestamp))
            {
                waitForIdr = false;
                lastAccepted = now;
                Interlocked.Increment(ref _framesSent);
            }
            else
            {
                // Only a full queue counts towards the stall: waiting for an IDR is the client catching up.
                Drop(ref waitForIdr);
                if (now - lastAccepted > stallTicks)
                {
                    _logger.ClientStalled(_remote, _options.StallTimeout);
                    return;
                }
            }
        }
    }

    private void Drop(ref bool waitForIdr)
    {
        if (!waitForIdr)
        {
            _logger.DroppingFrames(_remote);
            waitForIdr = true;
        }

        Interlocked.Increment(ref _framesDropped);
    }

    private bool TrySend(DemoAccessUnit au, uint timestamp)
    {
        int size = DemoInterleavedFrame.GetSize(_clip, au, _options.MaxRtpPayloadBytes);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        (int bytes, int packets) = DemoInterleavedFrame.Write(
            _clip, au, _channel, _sequence, timestamp, Ssrc, _options.MaxRtpPayloadBytes, buffer);
        if (!_queue.TryEnqueueFrame(buffer, bytes))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }

        // Sequence numbers are spent only on packets that are sent, so the client sees no false loss.
        _sequence = unchecked((ushort)(_sequence + packets));
        return true;
    }
}
