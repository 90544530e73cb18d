namespace LiveMux.Hub;

/// <summary>
/// The frames from the last video keyframe up to now, audio frames in between included, so a joining
/// viewer starts with a picture (and its sound) at once instead of waiting up to a GOP. It holds a reference on each fragment; an incomplete GOP is useless
/// to a decoder, so a GOP over the byte limit is dropped whole and joiners wait for the next keyframe.
/// Not thread-safe: the stream calls it under its lock.
/// </summary>
internal sealed class GopCache(int maxBytes)
{
    private readonly List<Fragment> _frames = [];
    private long _bytes;
    private bool _valid;

    public IReadOnlyList<Fragment> Frames => _frames;

    public void Add(Fragment fragment)
    {
        if (fragment.IsKeyframe)
        {
            Clear();
            _valid = true;
        }

        if (!_valid)
        {
            return;
        }

        if (_bytes + fragment.Length > maxBytes)
        {
            Clear();
            return;
        }

        _frames.Add(fragment.AddReference());
        _bytes += fragment.Length;
    }

    public void Clear()
    {
        foreach (var fragment in _frames)
        {
            fragment.Release();
        }

        _frames.Clear();
        _bytes = 0;
        _valid = false;
    }
}
