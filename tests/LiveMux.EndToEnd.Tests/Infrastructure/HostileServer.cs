using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A TCP server that misbehaves on purpose: no real camera can be told to send a broken SDP or garbage
/// frames on demand, so this is the one place the tests stand in for a server. It answers RTSP requests
/// line by line through <c>respond</c>, which returns the raw bytes to write (or null to close).
/// </summary>
internal sealed class HostileServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, int, byte[]?> _respond;
    private readonly Task _accepting;

    /// <param name="respond">Called with the request's method and CSeq.</param>
    public HostileServer(Func<string, int, byte[]?> respond)
    {
        _respond = respond;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"rtsp://127.0.0.1:{Port}/stream";

    public static byte[] Reply(int cseq, string status, string headers = "", string body = "") =>
        Encoding.ASCII.GetBytes($"RTSP/1.0 {status}\r\nCSeq: {cseq}\r\n{headers}Content-Length: {Encoding.ASCII.GetByteCount(body)}\r\n\r\n{body}");

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII);
                while (!_stop.IsCancellationRequested)
                {
                    var requestLine = await reader.ReadLineAsync(_stop.Token);
                    if (requestLine is null)
                    {
                        return;
                    }

                    var cseq = 0;
                    string? line;
                    while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync(_stop.Token)))
                    {
                        if (line.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase))
                        {
                            cseq = int.Parse(line[5..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                        }
                    }

                    var reply = _respond(requestLine.Split(' ')[0], cseq);
                    if (reply is null)
                    {
                        return;
                    }

                    await stream.WriteAsync(reply, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
