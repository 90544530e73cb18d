using System.Buffers;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;

namespace LiveMux.Server.Egress.Mse;

/// <summary>
/// One prft+moof+mdat, sent to MSE viewers as one WebSocket message (or appended to <c>stream.mp4</c>). It is muxed
/// once per stream and shared read-only by every viewer queue and the GOP cache, each holding a reference. Only the
/// header is its own: the payload is the sample's bytes, held by reference (or, for a re-encoded track, its own
/// pooled buffer), so the stream's GOP sits in memory once, as samples. The pooled buffers go back to the pool,
/// and the sample is released, when the last reference is released.
/// </summary>
internal sealed class Fragment : ISharedFrame
{
    private byte[]? _header;
    private byte[]? _ownedPayload;
    private Sample? _sample;
    private readonly int _payloadLength;
    private int _references = 1;

    private Fragment(byte[] header, Sample? sample, byte[]? ownedPayload, int payloadLength, int trackIndex, ulong decodeTime, int compositionOffset)
    {
        _header = header;
        _sample = sample;
        _ownedPayload = ownedPayload;
        _payloadLength = payloadLength;
        TrackIndex = trackIndex;
        DecodeTime = decodeTime;
        CompositionOffset = compositionOffset;
    }

    public int Length => MediaFragment.HeaderSize + _payloadLength;

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

    /// <summary>prft, moof and the mdat's box header.</summary>
    public ReadOnlyMemory<byte> Header => _header is { } h ? h.AsMemory(0, MediaFragment.HeaderSize) : throw new ObjectDisposedException(nameof(Fragment));

    /// <summary>The mdat's content: the sample.</summary>
    public ReadOnlyMemory<byte> Payload =>
        _sample?.Memory ?? (_ownedPayload is { } p ? p.AsMemory(0, _payloadLength) : throw new ObjectDisposedException(nameof(Fragment)));

    /// <summary>The fragment over <paramref name="sample"/>'s own bytes, which it holds a reference on; the caller writes the header.</summary>
    public static Fragment Over(Sample sample, int trackIndex, out Span<byte> header)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MediaFragment.HeaderSize);
        header = buffer.AsSpan(0, MediaFragment.HeaderSize);
        sample.AddReference();
        return new Fragment(buffer, sample, null, sample.Length, trackIndex, (ulong)sample.DecodeTime, sample.CompositionOffset);
    }

    /// <summary>A fragment whose payload (re-encoded) it owns: <paramref name="payload"/> was rented from the shared pool and is handed over.</summary>
    public static Fragment Owning(byte[] payload, int length, int trackIndex, ulong decodeTime, int compositionOffset, out Span<byte> header)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MediaFragment.HeaderSize);
        header = buffer.AsSpan(0, MediaFragment.HeaderSize);
        return new Fragment(buffer, null, payload, length, trackIndex, decodeTime, compositionOffset);
    }

    /// <summary>Header and payload in one array; for tests.</summary>
    public byte[] ToArray() => [.. Header.Span, .. Payload.Span];

    public void AddReference() => Interlocked.Increment(ref _references);

    /// <summary>
    /// Gives back the reference its holder got: a viewer releases every fragment it read once sent. The pooled
    /// bytes return, and the sample is released, when the last holder releases.
    /// </summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        if (Interlocked.Exchange(ref _header, null) is { } header)
        {
            ArrayPool<byte>.Shared.Return(header);
        }

        if (Interlocked.Exchange(ref _ownedPayload, null) is { } payload)
        {
            ArrayPool<byte>.Shared.Return(payload);
        }

        Interlocked.Exchange(ref _sample, null)?.Release();
    }
}
