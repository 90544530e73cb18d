using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A viewer on a bare socket, for faults a WebSocket library will not commit: it speaks just enough of
/// RFC 6455 (the upgrade, one masked text frame) to join a stream, then stops reading, leaves with a close
/// frame, or drops the connection with a TCP RST (linger 0) and no close at all.
/// <code>
///  frame: |FIN+opcode|MASK+len|masking key (4)|payload XOR key|      (client to server, section 5.2)
/// </code>
/// </summary>
internal sealed class RawWsViewer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    private RawWsViewer()
    {
    }

    /// <summary>Opens the WebSocket and sends the codec offer. <paramref name="receiveBuffer"/> sets SO_RCVBUF first (0 = default).</summary>
    public static async Task<RawWsViewer> ConnectAsync(int port, string stream, int receiveBuffer = 0, CancellationToken ct = default)
    {
        var viewer = new RawWsViewer();
        try
        {
            if (receiveBuffer > 0)
            {
                viewer._socket.ReceiveBufferSize = receiveBuffer;
            }

            await viewer._socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = $"GET /api/ws?src={Uri.EscapeDataString(stream)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n" +
                $"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await viewer._socket.SendAsync(Encoding.ASCII.GetBytes(request), ct);
            await viewer.ReadUpgradeAsync(ct);
            var hello = Encoding.UTF8.GetBytes($"{{\"type\":\"mse\",\"value\":\"{WsViewer.BrowserCodecs}\"}}");
            await viewer._socket.SendAsync(Frame(0x1, hello), ct);
            return viewer;
        }
        catch
        {
            viewer.Dispose();
            throw;
        }
    }

    private async Task ReadUpgradeAsync(CancellationToken ct)
    {
        // Byte at a time up to the blank line, so no frame byte after the response is consumed here.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await _socket.ReceiveAsync(one, ct) == 0 || head.Length > 4096)
            {
                throw new IOException("no WebSocket upgrade: " + head);
            }

            head.Append((char)one[0]);
        }

        if (!head.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new IOException("no WebSocket upgrade: " + head);
        }
    }

    /// <summary>Reads until at least <paramref name="bytes"/> bytes of frames arrived (the mse reply, the init segment...).</summary>
    public async Task ReadAtLeastAsync(int bytes, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var total = 0;
        while (total < bytes)
        {
            var n = await _socket.ReceiveAsync(buffer, ct);
            if (n == 0)
            {
                throw new IOException($"closed after {total} bytes");
            }

            total += n;
        }
    }

    /// <summary>Whether the server has closed the connection: reads (and discards) what is left, up to <paramref name="timeout"/>.</summary>
    public async Task<bool> ServerClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await _socket.ReceiveAsync(buffer, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true; // reset by the server
        }
    }

    /// <summary>Leaves properly: a close frame (1000), then FIN.</summary>
    public async Task CloseAsync(CancellationToken ct)
    {
        await _socket.SendAsync(Frame(0x8, [0x03, 0xE8]), ct);
        _socket.Shutdown(SocketShutdown.Send);
        Dispose();
    }

    /// <summary>Drops the connection as a crashed browser or a pulled cable behind a NAT would: no close frame, a TCP RST.</summary>
    public void Abort()
    {
        _socket.LingerState = new LingerOption(true, 0);
        Dispose();
    }

    private static byte[] Frame(byte opcode, byte[] payload)
    {
        if (payload.Length > 125)
        {
            throw new ArgumentException("short frames only", nameof(payload));
        }

        var mask = RandomNumberGenerator.GetBytes(4);
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        frame[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        return frame;
    }

    public void Dispose() => _socket.Dispose();
}
