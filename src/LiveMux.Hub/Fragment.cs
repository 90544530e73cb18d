using System.Buffers;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;

namespace LiveMux.Hub;

/// <summary>
/// Bytes sent to viewers as one WebSocket message: an init segment or one moof+mdat. It is muxed once per
/// stream and shared read-only by every viewer queue and the GOP cache, each holding a reference. The
/// pooled buffer goes back to the pool when the last reference is released.
/// </summary>
public sealed class Fragment
{
    private byte[]? _buffer;
    private int _references = 1;

    private Fragment(byte[] buffer, int length, FragmentKind kind, bool isKeyframe, StreamFormat? format, int trackIndex = 0, ulong decodeTime = 0, int compositionOffset = 0)
    {
        CompositionOffset = compositionOffset;
        _buffer = buffer;
        Length = length;
        Kind = kind;
        IsKeyframe = isKeyframe;
        Format = format;
        TrackIndex = trackIndex;
        DecodeTime = decodeTime;
    }

    public FragmentKind Kind { get; }

    /// <summary>
    /// A viewer can start here: a video keyframe, or any frame of a stream without video. An audio frame
    /// next to video is no start, so the GOP cache, a joining viewer and a skipping one begin at the video
    /// keyframe and get the audio from there on.
    /// </summary>
    public bool IsKeyframe { get; }

    public int Length { get; }

    /// <summary>For media fragments: the track (index into the format's tracks) and its tfdt, in the track's timescale.</summary>
    public int TrackIndex { get; }

    public ulong DecodeTime { get; }

    /// <summary>PTS - DTS of the sample (trun v1): non-zero with B-frames.</summary>
    public int CompositionOffset { get; }

    /// <summary>When the sample is shown, in the track's timescale: where a viewer's timeline starts.</summary>
    public long PresentationTime => (long)DecodeTime + CompositionOffset;

    /// <summary>For init segments: the tracks and MIME type they describe.</summary>
    public StreamFormat? Format { get; }

    /// <summary>Holders of this fragment (producer, viewer queues, GOP cache); for tests of buffer ownership.</summary>
    internal int References => Volatile.Read(ref _references);

    public ReadOnlyMemory<byte> Memory => _buffer is { } b ? b.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(Fragment));

    /// <summary>A media fragment whose bytes the caller writes into <paramref name="buffer"/>; it starts with one reference.</summary>
    internal static Fragment Rent(int length, bool isKeyframe, int trackIndex, ulong decodeTime, out Span<byte> buffer) =>
        Rent(length, isKeyframe, trackIndex, decodeTime, 0, out buffer);

    /// <summary>As <see cref="Rent(int, bool, int, ulong, out Span{byte})"/>, for a sample shown <paramref name="compositionOffset"/> after its decode time.</summary>
    internal static Fragment Rent(int length, bool isKeyframe, int trackIndex, ulong decodeTime, int compositionOffset, out Span<byte> buffer)
    {
        var array = ArrayPool<byte>.Shared.Rent(length);
        buffer = array.AsSpan(0, length);
        return new Fragment(array, length, FragmentKind.Media, isKeyframe, null, trackIndex, decodeTime, compositionOffset);
    }

    internal static Fragment ForInit(byte[] initSegment, StreamFormat format) =>
        new(initSegment, initSegment.Length, FragmentKind.Init, false, format);

    internal Fragment AddReference()
    {
        Interlocked.Increment(ref _references);
        return this;
    }

    /// <summary>
    /// Gives back the reference its holder got: a viewer releases every fragment it read from its
    /// <see cref="Subscription"/> once sent. The pooled bytes return when the last holder releases.
    /// </summary>
    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0 && Kind == FragmentKind.Media && Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

public enum FragmentKind
{
    Init,
    Media,
}

/// <summary>The tracks of a stream as the browser sees them.</summary>
public sealed record StreamFormat(IReadOnlyList<TrackConfig> Tracks)
{
    public string Codecs => string.Join(",", Tracks.Select(t => t.Codec));

    public string MimeType => $"video/mp4; codecs=\"{Codecs}\"";

    public TrackConfig? Video => Tracks.FirstOrDefault(t => t.Kind == TrackKind.Video);

    public TrackConfig? Audio => Tracks.FirstOrDefault(t => t.Kind == TrackKind.Audio);
}
