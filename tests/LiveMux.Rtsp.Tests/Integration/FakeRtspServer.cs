using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LiveMux.Rtsp.Tests.Integration;

/// <summary>
/// A scripted TCP peer: for each request it reads (up to the blank line) it calls the script, which returns the
/// bytes to answer. Used to play servers that misbehave in specific ways.
/// </summary>
internal sealed class FakeRtspServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private readonly List<string> _requests = [];

    /// <param name="script">Given the request head (request line + headers), returns the reply bytes, or null to stay silent.</param>
    /// <param name="onConnect">Bytes sent right after accepting, before any request.</param>
    public FakeRtspServer(Func<string, int, byte[]?> script, byte[]? onConnect = null)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = Task.Run(() => AcceptAsync(script, onConnect));
    }

    public int Port { get; }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static byte[] Reply(int cseq, string statusAndHeaders, string body = "") =>
        Encoding.UTF8.GetBytes($"RTSP/1.0 {statusAndHeaders.TrimEnd('\r', '\n')}\r\nCSeq: {cseq}\r\n" +
            (body.Length > 0 ? $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n" : "") + "\r\n" + body);

    public static int CSeqOf(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase))
            {
                return int.Parse(line[5..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return -1;
    }

    /// <summary>Every connection gets the same script (redirects and fallbacks open a second one).</summary>
    private async Task AcceptAsync(Func<string, int, byte[]?> script, byte[]? onConnect)
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                connections.Add(ServeAsync(client, script, onConnect));
            }
        }
        // InvalidOperationException ("Not listening"): DisposeAsync stopped the listener before the loop reached the next accept.
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // test over
        }
        await Task.WhenAll(connections);
    }

    private int _connections;

    public int Connections => Volatile.Read(ref _connections);

    private async Task ServeAsync(TcpClient tcp, Func<string, int, byte[]?> script, byte[]? onConnect)
    {
        using var client = tcp;
        try
        {
            var stream = client.GetStream();
            if (onConnect is not null)
            {
                await stream.WriteAsync(onConnect, _stop.Token);
            }
            var pending = new StringBuilder();
            var buffer = new byte[4096];
            var index = 0;
            while (true)
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }
                pending.Append(Encoding.UTF8.GetString(buffer, 0, read));
                int end;
                while ((end = pending.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    var head = pending.ToString(0, end);
                    pending.Remove(0, end + 4);
                    lock (_requests)
                    {
                        _requests.Add(head);
                    }
                    if (script(head, index++) is { } reply)
                    {
                        await stream.WriteAsync(reply, _stop.Token);
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // test over
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accept;
        _stop.Dispose();
    }
}
