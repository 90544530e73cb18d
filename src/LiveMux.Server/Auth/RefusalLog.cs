namespace LiveMux.Server.Auth;

/// <summary>
/// Keeps refusals from flooding the log: the first refusal of a kind from an address is logged by the caller as it
/// happens; the rest within the window are counted, and one line per address and kind carries the count when the
/// window ends. A guessing client or a looping hostile page thus costs one or two lines a minute, not one per request.
/// </summary>
internal sealed class RefusalLog : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    /// <summary>Addresses tracked at once; past this, new ones share one entry, so memory stays bounded.</summary>
    public const int MaxEntries = 4096;

    private const string OtherAddresses = "other addresses";

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Remote, string Kind), Entry> _entries = [];
    private readonly ILogger<RefusalLog> _logger;
    private readonly ITimer _timer;

    public RefusalLog(TimeProvider time, ILogger<RefusalLog> logger)
    {
        _logger = logger;
        _timer = time.CreateTimer(_ => Flush(), null, Window, Window);
    }

    /// <summary>Counts a refusal; true when the caller should log it in full (the first from this address and kind in the window).</summary>
    public bool Record(string remote, string kind, string reason)
    {
        lock (_lock)
        {
            var key = (remote, kind);
            if (!_entries.ContainsKey(key) && _entries.Count >= MaxEntries)
            {
                key = (OtherAddresses, kind);
            }

            if (_entries.TryGetValue(key, out var entry))
            {
                entry.Count++;
                entry.LastReason = reason;
                return false;
            }

            _entries[key] = new Entry();
            return true;
        }
    }

    private void Flush()
    {
        var lines = new List<(string Remote, string Kind, int Count, string Reason)>();
        lock (_lock)
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.Count == 0)
                {
                    // A quiet window: the next refusal from this address is logged in full again.
                    _entries.Remove(key);
                }
                else
                {
                    lines.Add((key.Remote, key.Kind, entry.Count, entry.LastReason));
                    entry.Count = 0;
                }
            }
        }

        foreach (var (remote, kind, count, reason) in lines)
        {
            GateLog.RefusalsSummary(_logger, count, remote, (int)Window.TotalSeconds, kind, reason);
        }
    }

    public void Dispose() => _timer.Dispose();

    private sealed class Entry
    {
        public int Count { get; set; }

        public string LastReason { get; set; } = "";
    }
}
