using System.Buffers;
using System.Threading.Channels;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// The bounded queue between one client's producers (responses, the frame pacer) and its socket. One
/// writer loop owns the socket's send side. Frames are refused past <c>frameCapacity</c> queued items;
/// a few extra slots keep room for responses, so a slow client still gets its keepalive answers.
/// </summary>
internal sealed class DemoSendQueue
{
    private const int ControlSlots = 8;
    private readonly Channel<Item> _channel;
    private readonly int _frameCapacity;

    public DemoSendQueue(int frameCapacity)
    {
        _frameCapacity = frameCapacity;
        _channel = Channel.CreateBounded<Item>(new BoundedChannelOptions(frameCapacity + ControlSlots)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Queues a frame rented from <see cref="ArrayPool{T}.Shared"/>; on false the caller still owns it.</summary>
    public bool TryEnqueueFrame(byte[] pooled, int length)
        => _channel.Reader.Count < _frameCapacity && _channel.Writer.TryWrite(new Item(pooled, length, true));

    /// <summary>Queues a response; false means the client reads nothing at all and should be dropped.</summary>
    public bool TryEnqueueControl(byte[] bytes) => _channel.Writer.TryWrite(new Item(bytes, bytes.Length, false));

    /// <summary>No more items; the writer loop ends once the queue is empty.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Writes queued items in order until <see cref="Complete"/> or cancellation.</summary>
    public async Task RunWriterAsync(Stream stream, CancellationToken ct)
    {
        try
        {
            while (await _channel.Reader.WaitToReadAsync(ct))
            {
                while (_channel.Reader.TryRead(out Item item))
                {
                    try
                    {
                        await stream.WriteAsync(item.Buffer.AsMemory(0, item.Length), ct);
                    }
                    finally
                    {
                        item.Release();
                    }
                }
            }
        }
        finally
        {
            Complete();
            while (_channel.Reader.TryRead(out Item left))
            {
                left.Release();
            }
        }
    }

    private readonly record struct Item(byte[] Buffer, int Length, bool Pooled)
    {
        public void Release()
        {
            if (Pooled)
            {
                ArrayPool<byte>.Shared.Return(Buffer);
            }
        }
    }
}
