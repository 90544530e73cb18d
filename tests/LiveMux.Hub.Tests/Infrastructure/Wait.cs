namespace LiveMux.Hub.Tests.Infrastructure;

/// <summary>Real-time waits for work the stream does on its own threads; every wait has a bound.</summary>
internal static class Wait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Time for a continuation that should NOT run to show up if it wrongly would.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(100);

    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting until " + what);
            }

            await Task.Delay(5);
        }
    }
}
