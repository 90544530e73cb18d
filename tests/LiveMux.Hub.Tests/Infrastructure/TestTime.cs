using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Hub.Tests.Infrastructure;

/// <summary>
/// A fake clock that also reports each timer it hands out, in order. The stream creates its backoff and
/// idle timers on its own threads; a test waits for the timer before advancing, or the advance could come
/// first and the timer would then start counting from the new time.
/// </summary>
internal sealed class TestTime : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();
    private int _created;

    public TestTime()
        : base(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public int TimersCreated => Volatile.Read(ref _created);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _created);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer not yet taken by this method, waiting for it to be created.</summary>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var cts = new CancellationTokenSource(Wait.Timeout);
        return await _timers.Reader.ReadAsync(cts.Token);
    }
}
