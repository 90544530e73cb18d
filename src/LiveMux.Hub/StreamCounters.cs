using LiveMux.Media.Rtp;

namespace LiveMux.Hub;

public enum ViewerDropReason
{
    SkippedToKeyframe,
    Disconnected,
}

/// <summary>Per-stream counters, updated lock-free on the media path and read by the API.</summary>
public sealed class StreamCounters
{
    private readonly long[] _ingestDrops = new long[Enum.GetValues<DropReason>().Length];
    private readonly long[] _viewerDrops = new long[Enum.GetValues<ViewerDropReason>().Length];
    private long _bytesIn;
    private long _framesIn;
    private long _fragmentsOut;
    private long _bytesOut;
    private long _reconnects;
    private long _sessionsOpened;

    public long BytesIn => Interlocked.Read(ref _bytesIn);

    public long FramesIn => Interlocked.Read(ref _framesIn);

    public long FragmentsOut => Interlocked.Read(ref _fragmentsOut);

    public long BytesOut => Interlocked.Read(ref _bytesOut);

    public long Reconnects => Interlocked.Read(ref _reconnects);

    public long SessionsOpened => Interlocked.Read(ref _sessionsOpened);

    internal void CountPacket(int bytes) => Interlocked.Add(ref _bytesIn, bytes);

    internal void CountFrame() => Interlocked.Increment(ref _framesIn);

    /// <summary>An egress sent one fragment of <paramref name="bytes"/> to a viewer.</summary>
    public void CountSent(int bytes)
    {
        Interlocked.Increment(ref _fragmentsOut);
        Interlocked.Add(ref _bytesOut, bytes);
    }

    internal void CountReconnect() => Interlocked.Increment(ref _reconnects);

    internal void CountSession() => Interlocked.Increment(ref _sessionsOpened);

    internal void CountIngestDrop(DropReason reason) => Interlocked.Increment(ref _ingestDrops[(int)reason]);

    internal void CountViewerDrop(ViewerDropReason reason) => Interlocked.Increment(ref _viewerDrops[(int)reason]);

    /// <summary>Non-zero drop counts by reason, e.g. {"SequenceGap": 3, "SkippedToKeyframe": 40}.</summary>
    public IReadOnlyDictionary<string, long> Drops()
    {
        var drops = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            if (Interlocked.Read(ref _ingestDrops[(int)reason]) is var n and > 0)
            {
                drops[reason.ToString()] = n;
            }
        }

        foreach (var reason in Enum.GetValues<ViewerDropReason>())
        {
            if (Interlocked.Read(ref _viewerDrops[(int)reason]) is var n and > 0)
            {
                drops[reason.ToString()] = n;
            }
        }

        return drops;
    }
}
