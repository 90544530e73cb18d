using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace LiveMux.Server.Endpoints;

/// <summary>
/// A viewer's WebSocket with its writes serialized: a WebSocket allows one send at a time, and both the
/// fragment loop and the clock-sync answers write to it. Uncontended, the gate costs no allocation.
/// </summary>
internal sealed class ViewerSocket(WebSocket socket) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public WebSocket Socket => socket;

    // Once per fragment: pooled, so a send that completes later allocates no state machine per frame.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(message, type, true, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// One binary message in two frames (RFC 6455 5.4): <paramref name="first"/>, then <paramref name="last"/>,
    /// with no other message between them. A fragment's header and its shared sample go out without being joined
    /// into a copy first.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendBinaryAsync(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> last, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(first, WebSocketMessageType.Binary, false, ct).ConfigureAwait(false);
            await socket.SendAsync(last, WebSocketMessageType.Binary, true, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Like <see cref="SendAsync"/>, with the message built once the socket is ours, so its content (a time stamp) is as fresh as the send.</summary>
    public async Task SendTextAsync(Func<byte[]> build, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(build(), WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task CloseOutputAsync(WebSocketCloseStatus status, string reason, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await socket.CloseOutputAsync(status, reason, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
