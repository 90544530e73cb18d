using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace LiveMux.LoadGen;

/// <summary>
/// The raw-socket floor for fan-out: takes one stream's WebSocket messages from upstream (a LiveMux viewer
/// socket) and writes each, with its WebSocket frame header, to every connected client in a plain loop of
/// blocking sends. No per-viewer queue, no backpressure policy, no codec work: the least any server has to
/// spend to deliver the same bytes to the same number of sockets, to set LiveMux's fan-out cost against.
/// </summary>
internal sealed class FloorServer(Uri upstream, int port, string? request, TextWriter log)
{
    private const int MaxMessage = 16 * 1024 * 1024;
    private const int MaxHandshake = 8 * 1024;
    private static readonly byte[] WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8.ToArray();

    private readonly Lock _gate = new();
    private Socket[] _clients = [];

    public async Task<int> RunAsync(CancellationToken stop)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(1024);
        await log.WriteLineAsync($"READY port={((IPEndPoint)listener.LocalEndPoint!).Port}");
        await log.FlushAsync(stop);
        _ = AcceptAsync(listener, stop);

        using var source = new ClientWebSocket();
        await source.ConnectAsync(upstream, stop);
        if (request is not null)
        {
            await source.SendAsync(Encoding.UTF8.GetBytes(request), WebSocketMessageType.Text, true, stop);
        }

        var message = new byte[MaxMessage];
        var header = new byte[10];
        var buffers = new List<ArraySegment<byte>> { default, default };
        while (!stop.IsCancellationRequested)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == message.Length)
                {
                    throw new InvalidOperationException($"an upstream message over {MaxMessage} bytes");
                }

                result = await source.ReceiveAsync(message.AsMemory(length), stop);
                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await log.WriteLineAsync($"upstream closed: {source.CloseStatusDescription}");
                return 1;
            }

            var headerLength = WriteHeader(header, result.MessageType == WebSocketMessageType.Text ? (byte)0x1 : (byte)0x2, length);
            buffers[0] = new ArraySegment<byte>(header, 0, headerLength);
            buffers[1] = new ArraySegment<byte>(message, 0, length);
            foreach (var client in _clients)
            {
                try
                {
                    client.Send(buffers);
                }
                catch (SocketException)
                {
                    Remove(client);
                }
            }
        }

        return 0;
    }

    /// <summary>RFC 6455 5.2: FIN + opcode, then a 7-bit, 16-bit or 64-bit length; server frames are unmasked.</summary>
    private static int WriteHeader(byte[] header, byte opcode, int length)
    {
        header[0] = (byte)(0x80 | opcode);
        if (length < 126)
        {
            header[1] = (byte)length;
            return 2;
        }

        if (length <= ushort.MaxValue)
        {
            header[1] = 126;
            header[2] = (byte)(length >> 8);
            header[3] = (byte)length;
            return 4;
        }

        header[1] = 127;
        for (var i = 0; i < 8; i++)
        {
            header[2 + i] = (byte)((long)length >> (8 * (7 - i)));
        }

        return 10;
    }

    private async Task AcceptAsync(Socket listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptAsync(stop);
            _ = HandshakeAsync(client, stop);
        }
    }

    /// <summary>RFC 6455 4.2: answer the upgrade with Sec-WebSocket-Accept and start sending.</summary>
    private async Task HandshakeAsync(Socket client, CancellationToken stop)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxHandshake);
        try
        {
            var length = 0;
            int end;
            while ((end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
            {
                var read = await client.ReceiveAsync(buffer.AsMemory(length, MaxHandshake - length), stop);
                if (read == 0 || (length += read) == MaxHandshake)
                {
                    client.Dispose();
                    return;
                }
            }

            var key = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n")
                .Select(line => line.Split(':', 2))
                .FirstOrDefault(h => h.Length == 2 && h[0].Trim().Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase))?[1].Trim();
            if (key is null)
            {
                client.Dispose();
                return;
            }

            var accept = Convert.ToBase64String(SHA1.HashData([.. Encoding.ASCII.GetBytes(key), .. WebSocketGuid]));
            await client.SendAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"), stop);
            client.NoDelay = true;
            lock (_gate)
            {
                _clients = [.. _clients, client];
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            client.Dispose();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Remove(Socket client)
    {
        lock (_gate)
        {
            _clients = _clients.Where(c => c != client).ToArray();
        }

        client.Dispose();
    }
}
