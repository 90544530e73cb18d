using LiveMux.Media.Formats;

namespace LiveMux.Hub.Distribution;

/// <summary>
/// The frames from the last GOP start up to now, audio frames in between included, so a joining consumer
/// starts with a picture (and its sound) at once instead of waiting up to a GOP. It holds a reference on each
/// frame; an incomplete GOP is useless to a decoder, so a GOP over the byte limit is dropped whole and joiners
/// wait for the next keyframe. Not thread-safe: its owner calls it under its lock.
/// </summary>
public sealed class GopCache<T>(int maxBytes)
    where T : class, ISharedFrame
{
    private readonly List<Delivery<T>> _frames = [];
    private long _bytes;
    private bool _valid;

    public IReadOnlyList<Delivery<T>> Frames => _frames;

    public void Add(in Delivery<T> item)
    {
        var frame = item.Frame ?? throw new ArgumentException("not a frame", nameof(item));
        if (item.StartsGop)
        {
            Clear();
            _valid = true;
        }

        if (!_valid)
        {
            return;
        }

        if (_bytes + frame.Length > maxBytes)
        {
            Clear();
            return;
        }

        frame.AddReference();
        _frames.Add(item);
        _bytes += frame.Length;
    }

    public void Clear()
    {
        foreach (var item in _frames)
        {
            item.Frame!.Release();
        }

        _frames.Clear();
        _bytes = 0;
        _valid = false;
    }
}
