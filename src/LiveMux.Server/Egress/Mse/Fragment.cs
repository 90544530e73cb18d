using System.Buffers;
using LiveMux.Media.Formats;

namespace LiveMux.Server.Egress.Mse;

/// <summary>
/// One moof+mdat, sent to MSE viewers as one WebSocket message (or appended to <c>stream.mp4</c>). It is muxed
/// once per stream and shared read-only by every viewer queue and the GOP cache, each holding a reference. The
/// pooled buffer goes back to the pool when the last reference is released.
/// </summary>
internal sealed class Fragment : ISharedFrame
{
    private byte[]? _buffer;
    private int _references = 1;

    private Fragment(byte[] buffer, int length, int trackIndex, ulong decodeTime, int compositionOffset)
    {
        _buffer = buffer;
        Length = length;
        TrackIndex = trackIndex;
        DecodeTime = decodeTime;
        CompositionOffset = compositionOffset;
    }

    public int Length { get; }

    /// <summary>The track (index into the MSE format's tracks; track_ID - 1).</summary>
    public int TrackIndex { get; }

    /// <summary>The tfdt, in the track's timescale.</summary>
    public ulong DecodeTime { get; }

    /// <summary>PTS - DTS of the sample (trun v1): non-zero with B-frames.</summary>
    public int CompositionOffset { get; }

    /// <summary>When the sample is shown, in the track's timescale: where a viewer's timeline starts.</summary>
    public long PresentationTime => (long)DecodeTime + CompositionOffset;

    /// <summary>Holders of this fragment (producer, viewer queues, GOP cache); for tests of buffer ownership.</summary>
    public int References => Volatile.Read(ref _references);

    public ReadOnlyMemory<byte> Memory => _buffer is { } b ? b.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(Fragment));

    /// <summary>A fragment whose bytes the caller writes into <paramref name="buffer"/>; it starts with one reference.</summary>
    public static Fragment Rent(int length, int trackIndex, ulong decodeTime, int compositionOffset, out Span<byte> buffer)
    {
        var array = ArrayPool<byte>.Shared.Rent(length);
        buffer = array.AsSpan(0, length);
        return new Fragment(array, length, trackIndex, decodeTime, compositionOffset);
    }

    public void AddReference() => Interlocked.Increment(ref _references);

    /// <summary>
    /// Gives back the reference its holder got: a viewer releases every fragment it read once sent. The pooled
    /// bytes return when the last holder releases.
    /// </summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0 && Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
