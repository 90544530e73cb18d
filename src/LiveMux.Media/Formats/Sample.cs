using System.Buffers;
using LiveMux.Media.Rtp;

namespace LiveMux.Media.Formats;

/// <summary>
/// One access unit of one track as the hub carries it: owned bytes rented from
/// <see cref="ArrayPool{T}.Shared"/> in the track's MP4 sample form (length-prefixed NAL units for video),
/// decode and presentation time, and whether a decoder can start here. Every egress reads the same
/// instance: each holder takes a reference, and the bytes go back to the pool with the last release.
/// </summary>
public sealed class Sample : ISharedFrame
{
    private byte[]? _buffer;
    private int _references = 1;

    private Sample(byte[] buffer, int length, long decodeTime, long presentationTime, int duration, bool isKeyframe)
    {
        _buffer = buffer;
        Length = length;
        DecodeTime = decodeTime;
        PresentationTime = presentationTime;
        Duration = duration;
        IsKeyframe = isKeyframe;
    }

    public int Length { get; }

    /// <summary>Decode time in the track's clock: the source's, then the stream timeline's once the hub placed it.</summary>
    public long DecodeTime { get; private set; }

    /// <summary>Presentation time in the same clock; later than <see cref="DecodeTime"/> with B-frames.</summary>
    public long PresentationTime { get; private set; }

    public int CompositionOffset => (int)(PresentationTime - DecodeTime);

    /// <summary>Length in the track's clock: stated by the codec for audio, 0 for video until the hub placed it.</summary>
    public int Duration { get; private set; }

    /// <summary>A decoder can start here (every audio frame is one).</summary>
    public bool IsKeyframe { get; }

    /// <summary>When the sample reached the hub, as an NTP wall-clock time (0 before the hub placed it).</summary>
    public ulong ReceivedNtp { get; private set; }

    /// <summary>Holders of this sample; for tests of buffer ownership.</summary>
    public int References => Volatile.Read(ref _references);

    public ReadOnlyMemory<byte> Memory => _buffer is { } b ? b.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(Sample));

    public ReadOnlySpan<byte> Data => Memory.Span;

    /// <summary>A sample whose bytes the caller writes into <paramref name="buffer"/>; it starts with one reference.</summary>
    public static Sample Rent(int length, long decodeTime, long presentationTime, int duration, bool isKeyframe, out Span<byte> buffer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var array = ArrayPool<byte>.Shared.Rent(length);
        buffer = array.AsSpan(0, length);
        return new Sample(array, length, decodeTime, presentationTime, duration, isKeyframe);
    }

    /// <summary>Takes over an access unit's buffer without copying.</summary>
    internal static Sample Adopt(byte[] buffer, in AccessUnit unit) =>
        new(buffer, unit.Length, unit.DecodeTimestamp, unit.Timestamp, unit.Duration, unit.IsKeyframe);

    /// <summary>
    /// The hub's placement on the stream timeline, made by its only holder before it is shared: after this the
    /// sample is read-only.
    /// </summary>
    public void Place(long decodeTime, int compositionOffset, int duration, ulong receivedNtp)
    {
        if (References != 1)
        {
            throw new InvalidOperationException("a shared sample is read-only");
        }

        DecodeTime = decodeTime;
        PresentationTime = decodeTime + compositionOffset;
        Duration = duration;
        ReceivedNtp = receivedNtp;
    }

    public void AddReference()
    {
        ObjectDisposedException.ThrowIf(Interlocked.Increment(ref _references) <= 1, this);
    }

    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0 && Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
