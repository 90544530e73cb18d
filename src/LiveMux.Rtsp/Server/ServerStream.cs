namespace LiveMux.Rtsp.Server;

/// <summary>
/// A media a publisher writes frames into and any number of sessions read (gortsplib's ServerStream). The fan-out
/// runs on the writer's thread under one lock, so a subscriber sees each track's frames in order; subscribers only
/// queue or skip, so a slow one never slows the others.
/// </summary>
public sealed class ServerStream : IRtspMedia
{
    private readonly Lock _gate = new();
    private readonly long[] _lastTimestamps;
    private IRtpFrameSubscriber[] _subscribers = [];

    public ServerStream(IReadOnlyList<RtspTrack> tracks)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        if (tracks.Count == 0)
        {
            throw new ArgumentException("a stream needs at least one track", nameof(tracks));
        }
        Tracks = tracks;
        _lastTimestamps = new long[tracks.Count];
        Array.Fill(_lastTimestamps, -1L);
    }

    public IReadOnlyList<RtspTrack> Tracks { get; }

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    public uint? LastTimestamp(int track)
    {
        var value = Volatile.Read(ref _lastTimestamps[track]);
        return value < 0 ? null : (uint)value;
    }

    public void WriteFrame(int track, RtpFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)track, (uint)Tracks.Count, nameof(track));
        lock (_gate)
        {
            Volatile.Write(ref _lastTimestamps[track], frame.Timestamp);
            foreach (var subscriber in _subscribers)
            {
                subscriber.OnFrame(track, frame);
            }
        }
    }

    public IDisposable Subscribe(IRtpFrameSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscriber];
        }
        return new Subscription(this, subscriber);
    }

    private void Unsubscribe(IRtpFrameSubscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, subscriber))];
        }
    }

    private sealed class Subscription(ServerStream stream, IRtpFrameSubscriber subscriber) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                stream.Unsubscribe(subscriber);
            }
        }
    }
}
