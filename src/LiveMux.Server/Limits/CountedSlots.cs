namespace LiveMux.Server.Limits;

/// <summary>At most <c>max</c> slots per key, each held by a <see cref="Lease"/>; a key with none held is forgotten.</summary>
internal sealed class CountedSlots<TKey>(int max, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> _held = new(comparer);
    private readonly Lock _gate = new();

    public int Max => max;

    /// <summary>A slot for <paramref name="key"/>, or null when it holds <see cref="Max"/> already.</summary>
    public Lease? TryTake(TKey key)
    {
        lock (_gate)
        {
            var held = _held.GetValueOrDefault(key);
            if (held >= max)
            {
                return null;
            }

            _held[key] = held + 1;
        }

        return new Lease(() => Release(key));
    }

    public int Held(TKey key)
    {
        lock (_gate)
        {
            return _held.GetValueOrDefault(key);
        }
    }

    private void Release(TKey key)
    {
        lock (_gate)
        {
            var held = _held[key] - 1;
            if (held == 0)
            {
                _held.Remove(key);
            }
            else
            {
                _held[key] = held;
            }
        }
    }
}
