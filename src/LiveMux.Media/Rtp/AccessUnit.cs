using System.Buffers;
using System.Numerics;

namespace LiveMux.Media.Rtp;

/// <summary>
/// One decodable frame, in MP4 sample form (NAL units with 4-byte length prefixes for video). It owns a
/// buffer rented from <see cref="ArrayPool{T}.Shared"/>: whoever holds it disposes it exactly once.
/// </summary>
public struct AccessUnit : IDisposable
{
    private byte[]? _buffer;

    internal AccessUnit(byte[] buffer, int length, long timestamp, bool isKeyframe, bool configChanged)
        : this(buffer, length, timestamp, timestamp, isKeyframe, configChanged)
    {
    }

    internal AccessUnit(byte[] buffer, int length, long timestamp, long decodeTimestamp, bool isKeyframe, bool configChanged)
    {
        _buffer = buffer;
        Length = length;
        Timestamp = timestamp;
        DecodeTimestamp = decodeTimestamp;
        IsKeyframe = isKeyframe;
        ConfigChanged = configChanged;
    }

    /// <summary>An audio unit, whose length in the track's clock the codec knows exactly.</summary>
    internal AccessUnit(byte[] buffer, int length, long timestamp, int duration, bool configChanged)
        : this(buffer, length, timestamp, timestamp, isKeyframe: true, configChanged)
    {
        Duration = duration;
    }

    public int Length { get; }

    /// <summary>Presentation time in the track's clock, unwrapped to 64 bits.</summary>
    public long Timestamp { get; }

    /// <summary>
    /// Decode time in the same clock. RTP carries presentation time only; it differs from
    /// <see cref="Timestamp"/> when frames are reordered (B-frames), and the muxer writes the difference as
    /// the composition offset.
    /// </summary>
    public long DecodeTimestamp { get; }

    public bool IsKeyframe { get; }

    /// <summary>
    /// The unit's exact length in the track's clock when the codec states it (audio: samples per frame), or 0
    /// when it is unknown (video) and the muxer must infer it from the next timestamp or the previous interval.
    /// </summary>
    public int Duration { get; }

    /// <summary>The track's decoder configuration changed with this unit; a new init segment must precede it.</summary>
    public bool ConfigChanged { get; }

    public readonly ReadOnlySpan<byte> Data => _buffer is null ? default : _buffer.AsSpan(0, Length);

    /// <summary>
    /// The unit as a <see cref="Formats.Sample"/> that owns its buffer from now on; this unit then holds nothing. A
    /// depacketizer assembles into a generous buffer (64 KB, or its largest unit yet); a sample lives as long as
    /// the GOP it belongs to, so one that would hold more than twice its size is moved into a buffer that fits, and
    /// the big one goes back to the pool for the depacketizer's next unit.
    /// </summary>
    public Formats.Sample ToSample()
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(AccessUnit));
        _buffer = null;
        if (buffer.Length > 2 * (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(Length, 16)))
        {
            var fit = ArrayPool<byte>.Shared.Rent(Length);
            buffer.AsSpan(0, Length).CopyTo(fit);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = fit;
        }

        return Formats.Sample.Adopt(buffer, this);
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
