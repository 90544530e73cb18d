using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace LiveMux.Server.Auth;

/// <summary>
/// Throttles admin credential guessing per client address with a token bucket (System.Threading.RateLimiting):
/// each failed authentication takes a token; <see cref="Burst"/> tokens, one back per <see cref="RefillPeriod"/>.
/// With the bucket empty, every request from that address that presents credentials gets 429, the right ones too:
/// otherwise the answer to a guess would still tell whether it was right. Successes take nothing, so a dashboard
/// that polls and viewers are never throttled. IPv6 clients count per /64, the block one host usually holds.
/// </summary>
internal sealed class AdminGuessLimiter : IDisposable
{
    public const int Burst = 10;

    public static readonly TimeSpan RefillPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Addresses tracked at once; past this, new addresses share one bucket.</summary>
    public const int MaxPartitions = 16384;

    private const string Overflow = "*";

    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _buckets = new(StringComparer.Ordinal);
    private readonly ITimer _timer;

    public AdminGuessLimiter(TimeProvider time)
    {
        // Replenished by our timer rather than the limiter's own, so a TimeProvider decides when (tests hold it still).
        // A manual TryReplenish adds tokens for the real time since the previous one, so the rate is one per period.
        _timer = time.CreateTimer(_ => Replenish(), null, RefillPeriod, RefillPeriod);
    }

    /// <summary>Seconds until the next attempt may succeed: one refill period.</summary>
    public static int RetryAfterSeconds => (int)Math.Ceiling(RefillPeriod.TotalSeconds);

    /// <summary>The bucket an address counts in: the address itself, or its /64 for IPv6.</summary>
    public static string Partition(IPAddress? address)
    {
        if (address is null)
        {
            return "local";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>True while the address has used up its failures.</summary>
    public bool IsThrottled(string partition) =>
        _buckets.TryGetValue(Resolve(partition), out var bucket) && bucket.GetStatistics()?.CurrentAvailablePermits < 1;

    /// <summary>Counts one failed authentication.</summary>
    public void RecordFailure(string partition)
    {
        var bucket = _buckets.GetOrAdd(Resolve(partition), static _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = RefillPeriod,
            QueueLimit = 0,
            AutoReplenishment = false,
        }));
        using var lease = bucket.AttemptAcquire(1);
    }

    private string Resolve(string partition) =>
        _buckets.Count >= MaxPartitions && !_buckets.ContainsKey(partition) ? Overflow : partition;

    private void Replenish()
    {
        foreach (var (partition, bucket) in _buckets)
        {
            bucket.TryReplenish();
            if (bucket.GetStatistics()?.CurrentAvailablePermits >= Burst)
            {
                // Full again: forget the address. A failure racing this removal lands in a dropped bucket: one guess.
                _buckets.TryRemove(new KeyValuePair<string, TokenBucketRateLimiter>(partition, bucket));
            }
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        foreach (var bucket in _buckets.Values)
        {
            bucket.Dispose();
        }
    }
}
