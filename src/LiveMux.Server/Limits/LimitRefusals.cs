namespace LiveMux.Server.Limits;

/// <summary>
/// A warning when a limit refuses someone, at most one per limit every 10 s, counting the refusals it stands for:
/// a flood is the very thing limits meet, and it must not flood the log too.
/// </summary>
internal sealed class LimitRefusals(ILoggerFactory loggers, TimeProvider time)
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger = loggers.CreateLogger("LiveMux.Server.Limits");
    private readonly Dictionary<string, (long Refused, DateTimeOffset Logged)> _limits = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Refused(string limit, string detail)
    {
        long refused;
        lock (_gate)
        {
            var (count, logged) = _limits.GetValueOrDefault(limit, (0, DateTimeOffset.MinValue));
            count++;
            var now = time.GetUtcNow();
            if (now - logged < s_interval)
            {
                _limits[limit] = (count, logged);
                return;
            }

            _limits[limit] = (0, now);
            refused = count;
        }

        LimitsLog.Refused(_logger, limit, refused, detail);
    }
}
