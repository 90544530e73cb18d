namespace LiveMux.Hub;

/// <summary>
/// Capped exponential backoff with jitter. Jitter keeps many streams behind one failed NVR from retrying
/// in lockstep; the cap bounds how long a camera that is back waits to be picked up.
/// </summary>
internal sealed class Backoff
{
    private const double Factor = 1.6;
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private TimeSpan _next;

    public Backoff(TimeSpan initial, TimeSpan max)
    {
        _initial = initial;
        _max = max;
        _next = initial;
    }

    public int Attempts { get; private set; }

    public TimeSpan Next()
    {
        Attempts++;
        var current = _next;
        _next = TimeSpan.FromTicks(Math.Min(_max.Ticks, (long)(current.Ticks * Factor)));
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromTicks((long)(current.Ticks * jitter));
    }

    public void Reset()
    {
        _next = _initial;
        Attempts = 0;
    }
}
