namespace LiveMux.Rtsp.Protocol;

/// <summary>Message headers in arrival order; names compare case-insensitively (RFC 2326 section 4.2).</summary>
internal sealed class RtspHeaders
{
    private readonly List<KeyValuePair<string, string>> _items = [];

    public int Count => _items.Count;

    public void Add(string name, string value) => _items.Add(new(name, value));

    public string? this[string name]
    {
        get
        {
            foreach (var (key, value) in _items)
            {
                if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }
            return null;
        }
    }

    public IEnumerable<string> GetAll(string name)
    {
        foreach (var (key, value) in _items)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                yield return value;
            }
        }
    }

    internal void AppendToLast(string continuation)
    {
        var last = _items[^1];
        _items[^1] = new(last.Key, last.Value + " " + continuation);
    }
}
