namespace LiveMux.Server.Limits;

/// <summary>One counted slot of a limit, given back once, on the first Dispose.</summary>
internal sealed class Lease(Action release) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            release();
        }
    }
}
