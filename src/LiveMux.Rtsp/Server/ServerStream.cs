namespace LiveMux.Rtsp.Server;

/// <summary>
/// A media a publisher writes frames into and any number of sessions read (gortsplib's ServerStream). The fan-out
/// runs on the writer's thread under one lock, so a subscriber sees each track's frames in order; subscribers only
/// queue or skip, so a slow one never slows the others.
/// <para>
/// It keeps the frames since the last keyframe of its first video track (its GOP), and a new subscriber gets them
/// at once: its first picture comes in a round trip instead of up to a GOP later, with timestamps continuous into
/// live because they are the frames' own.
/// </para>
/// </summary>
public sealed class ServerStream : IRtspMedia
{
    private readonly Lock _gate = new();
    private readonly long[] _lastTimestamps;
    private readonly List<(int Track, RtpFrame Frame)> _gop = [];
    private readonly int _keyTrack;
    private readonly long _maxGopBytes;
    private IRtpFrameSubscriber[] _subscribers = [];
    private long _gopBytes;
    private bool _gopValid;
    private string? _ended;

    /// <param name="tracks">What DESCRIBE announces.</param>
    /// <param name="maxGopBytes">A GOP larger than this is not kept whole, so it is not kept at all: joiners then wait for the next keyframe.</param>
    public ServerStream(IReadOnlyList<RtspTrack> tracks, long maxGopBytes = 16 * 1024 * 1024)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        if (tracks.Count == 0)
        {
            throw new ArgumentException("a stream needs at least one track", nameof(tracks));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(maxGopBytes);
        Tracks = tracks;
        _lastTimestamps = new long[tracks.Count];
        Array.Fill(_lastTimestamps, -1L);
        _keyTrack = Math.Max(0, tracks.ToList().FindIndex(t => t.Sdp.MediaType == "video"));
        _maxGopBytes = maxGopBytes;
    }

    public IReadOnlyList<RtspTrack> Tracks { get; }

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>Frames a subscriber joining now gets before live ones.</summary>
    public int CachedFrames
    {
        get
        {
            lock (_gate)
            {
                return _gop.Count;
            }
        }
    }

    public uint? StartTimestamp(int track)
    {
        lock (_gate)
        {
            foreach (var (t, frame) in _gop)
            {
                if (t == track)
                {
                    return frame.Timestamp;
                }
            }
        }

        var value = Volatile.Read(ref _lastTimestamps[track]);
        return value < 0 ? null : (uint)value;
    }

    public void WriteFrame(int track, RtpFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)track, (uint)Tracks.Count, nameof(track));
        lock (_gate)
        {
            if (_ended is not null)
            {
                return;
            }
            Volatile.Write(ref _lastTimestamps[track], frame.Timestamp);
            Cache(track, frame);
            foreach (var subscriber in _subscribers)
            {
                subscriber.OnFrame(track, frame, cached: false);
            }
        }
    }

    private void Cache(int track, RtpFrame frame)
    {
        if (track == _keyTrack && frame.IsKeyframe)
        {
            _gop.Clear();
            _gopBytes = 0;
            _gopValid = true;
        }

        if (!_gopValid)
        {
            return;
        }

        if (_gopBytes + frame.Length > _maxGopBytes)
        {
            _gop.Clear();
            _gopBytes = 0;
            _gopValid = false;
            return;
        }

        _gop.Add((track, frame));
        _gopBytes += frame.Length;
    }

    /// <summary>Why the media ended, once it has; a session that set it up is told and closed.</summary>
    public string? EndReason => Volatile.Read(ref _ended);

    /// <summary>Ends the media: every subscriber hears <paramref name="reason"/>, and later ones at once.</summary>
    public void End(string reason)
    {
        IRtpFrameSubscriber[] subscribers;
        lock (_gate)
        {
            if (_ended is not null)
            {
                return;
            }
            _ended = reason;
            subscribers = _subscribers;
            _subscribers = [];
            _gop.Clear();
        }
        foreach (var subscriber in subscribers)
        {
            subscriber.OnEnded(reason);
        }
    }

    public IDisposable Subscribe(IRtpFrameSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate)
        {
            if (_ended is { } reason)
            {
                subscriber.OnEnded(reason);
                return new Subscription(this, subscriber);
            }

            // Under the lock, so no live frame can come between the cached ones and the next.
            foreach (var (track, frame) in _gop)
            {
                subscriber.OnFrame(track, frame, cached: true);
            }

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
