using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace LiveMux.Rtsp.Transport;

/// <summary>One datagram for the session loop; <see cref="Buffer"/> is rented from the shared pool.</summary>
internal readonly record struct UdpDatagram(int Track, bool IsRtcp, byte[] Buffer, int Length);

/// <summary>
/// The UDP side of a session. One receive task per socket checks the sender's address, copies the datagram into a
/// pooled buffer and posts it to a bounded queue; the session loop (the only consumer) is woken when the queue
/// goes from empty to not empty. Nothing here touches session state.
/// <code>
///   camera --RTP/RTCP--> socket task --(address ok?)--> bounded queue --Wake()--> session loop
///                                          \-- foreign: counted, dropped          \-- full: counted, dropped
/// </code>
/// </summary>
internal sealed class UdpReceiver : IAsyncDisposable
{
    /// <summary>Queued bytes across all tracks; with the datagram count this bounds the queue's memory.</summary>
    private const long MaxQueuedBytes = 16 * 1024 * 1024;

    private readonly UdpPortPair[] _pairs;
    private readonly IPAddress[] _allowed;
    private readonly Channel<UdpDatagram> _queue;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _firstRtp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _loops = [];
    private readonly int _maxDatagram;
    private Action? _wake;
    private int _signalled;
    private long _foreign;
    private long _overflows;
    private long _garbage;
    private long _queuedBytes;

    public UdpReceiver(UdpPortPair[] pairs, IEnumerable<IPAddress> allowedSources, int capacity, int maxDatagram)
    {
        _pairs = pairs;
        _allowed = [.. allowedSources.Select(Normalize).Distinct()];
        _maxDatagram = maxDatagram;
        _queue = Channel.CreateBounded<UdpDatagram>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails instead of waiting; the drop is ours to count
        });
    }

    public long Foreign => Interlocked.Read(ref _foreign);
    public long Overflows => Interlocked.Read(ref _overflows);

    /// <summary>Empty or oversized datagrams (the rest of the garbage is found by the session when parsing).</summary>
    public long Garbage => Interlocked.Read(ref _garbage);

    /// <summary>Completes at the first RTP datagram from the camera.</summary>
    public Task FirstRtp => _firstRtp.Task;

    public void Start(Action wake)
    {
        _wake = wake;
        for (var i = 0; i < _pairs.Length; i++)
        {
            _loops.Add(ReceiveLoopAsync(i, false, _pairs[i].Rtp));
            _loops.Add(ReceiveLoopAsync(i, true, _pairs[i].Rtcp));
        }
    }

    /// <summary>Takes one queued datagram. Call <see cref="ResetSignal"/> before draining.</summary>
    public bool TryRead(out UdpDatagram datagram)
    {
        if (!_queue.Reader.TryRead(out datagram))
        {
            return false;
        }
        Interlocked.Add(ref _queuedBytes, -datagram.Length);
        return true;
    }

    /// <summary>Re-arms the wake-up: a datagram queued after this call wakes the loop again.</summary>
    public void ResetSignal() => Volatile.Write(ref _signalled, 0);

    /// <summary>Sends to the camera's RTP or RTCP port of a track; false when the port is unknown or the send failed.</summary>
    public bool Send(int track, bool rtcp, ReadOnlySpan<byte> packet)
    {
        var pair = _pairs[track];
        var to = rtcp ? pair.ServerRtcp : pair.ServerRtp;
        if (to is null)
        {
            return false;
        }
        try
        {
            (rtcp ? pair.Rtcp : pair.Rtp).SendTo(packet, SocketFlags.None, to);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task ReceiveLoopAsync(int track, bool isRtcp, Socket socket)
    {
        await Task.Yield();
        var buffer = GC.AllocateUninitializedArray<byte>(65536);
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_closing.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _closing.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // e.g. an ICMP port unreachable reported on the socket; the next datagram may be fine
                continue;
            }
            var from = ((IPEndPoint)result.RemoteEndPoint).Address;
            if (!IsAllowed(from))
            {
                Interlocked.Increment(ref _foreign);
                continue;
            }
            var length = result.ReceivedBytes;
            if (length == 0 || length > _maxDatagram)
            {
                Interlocked.Increment(ref _garbage);
                continue;
            }
            if (Interlocked.Add(ref _queuedBytes, length) > MaxQueuedBytes)
            {
                Interlocked.Add(ref _queuedBytes, -length);
                Interlocked.Increment(ref _overflows);
                continue;
            }
            var copy = ArrayPool<byte>.Shared.Rent(length);
            buffer.AsSpan(0, length).CopyTo(copy);
            if (!_queue.Writer.TryWrite(new UdpDatagram(track, isRtcp, copy, length)))
            {
                ArrayPool<byte>.Shared.Return(copy);
                Interlocked.Add(ref _queuedBytes, -length);
                Interlocked.Increment(ref _overflows);
                continue;
            }
            if (!isRtcp)
            {
                _firstRtp.TrySetResult();
            }
            if (Interlocked.Exchange(ref _signalled, 1) == 0)
            {
                _wake?.Invoke();
            }
        }
    }

    private bool IsAllowed(IPAddress address)
    {
        address = Normalize(address);
        foreach (var allowed in _allowed)
        {
            if (allowed.Equals(address))
            {
                return true;
            }
        }
        return false;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public async ValueTask DisposeAsync()
    {
        if (_closing.IsCancellationRequested)
        {
            return;
        }
        await _closing.CancelAsync();
        foreach (var pair in _pairs)
        {
            pair.Dispose();
        }
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (Exception)
        {
            // loops end on cancellation or disposal
        }
        while (_queue.Reader.TryRead(out var left))
        {
            ArrayPool<byte>.Shared.Return(left.Buffer);
        }
        _closing.Dispose();
    }
}
