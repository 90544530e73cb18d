using LiveMux.Media.Formats;

namespace LiveMux.Hub.Distribution;

/// <summary>
/// One item of a subscription, in stream order: a frame of track <see cref="Track"/>, the stream's new
/// <see cref="Format"/> (the frames after it follow it), or a state change to tell the consumer.
/// </summary>
public readonly record struct Delivery<T>(T? Frame, int Track, bool StartsGop, StreamFormat? Format, StreamEvent? Event, bool AfterGap)
    where T : class, ISharedFrame
{
    /// <summary>
    /// A frame. <paramref name="startsGop"/>: a consumer can start here (a video keyframe, or any frame of a
    /// stream without video); an audio frame next to video is no start.
    /// </summary>
    public static Delivery<T> Media(T frame, int track, bool startsGop) => new(frame, track, startsGop, null, null, false);

    public static Delivery<T> FormatChange(StreamFormat format) => new(null, 0, false, format, null, false);

    public static Delivery<T> Status(StreamEvent e) => new(null, 0, false, null, e, false);
}
