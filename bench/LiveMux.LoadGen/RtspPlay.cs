using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LiveMux.LoadGen;

/// <summary>
/// The least RTSP client that plays a URL over TCP interleaved: DESCRIBE, SETUP of every track the SDP lists
/// (channels 0-1, 2-3, ...), PLAY. What follows the PLAY reply is the stream (<c>$</c> frames, and the replies to
/// <see cref="KeepAliveAsync"/>), which a reader drains as raw bytes: the load generator needs no RTP parsing,
/// because the frame clock's UUID is found in any byte stream.
/// </summary>
internal sealed class RtspPlay : IDisposable
{
    private const int MaxReply = 64 * 1024;
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpClient _tcp = new() { NoDelay = true };
    private readonly Uri _url;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private byte[] _pending = [];
    private int _cseq;
    private string? _session;
    private string _aggregate = "";

    private RtspPlay(Uri url) => _url = url;

    /// <summary>The socket's stream, for reading what follows PLAY (first <see cref="TakeLeftover"/>).</summary>
    public NetworkStream Stream => _tcp.GetStream();

    public static async Task<RtspPlay> OpenAsync(Uri url, CancellationToken cancel)
    {
        var play = new RtspPlay(url);
        try
        {
            await play.HandshakeAsync(cancel);
            return play;
        }
        catch
        {
            play.Dispose();
            throw;
        }
    }

    /// <summary>Bytes of the stream already read with the PLAY reply.</summary>
    public byte[] TakeLeftover()
    {
        var left = _pending;
        _pending = [];
        return left;
    }

    /// <summary>GET_PARAMETER on the session, so the server's idle timeout never closes a reader that only reads.</summary>
    public Task KeepAliveAsync(CancellationToken cancel) => SendAsync("GET_PARAMETER", _aggregate, null, cancel);

    public void Dispose()
    {
        _tcp.Dispose();
        _writeGate.Dispose();
    }

    private async Task HandshakeAsync(CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(ReplyTimeout);
        var token = timeout.Token;
        await _tcp.ConnectAsync(_url.Host, _url.IsDefaultPort ? 554 : _url.Port, token);

        await SendAsync("DESCRIBE", _url.ToString(), "Accept: application/sdp\r\n", token);
        var (headers, body) = await ReadReplyAsync("DESCRIBE", token);
        var contentBase = Header(headers, "Content-Base") ?? Header(headers, "Content-Location") ?? _url.ToString();
        _aggregate = contentBase.TrimEnd('/');
        var controls = Controls(body, contentBase);
        if (controls.Count == 0)
        {
            throw new IOException("DESCRIBE: the SDP lists no track");
        }

        for (var i = 0; i < controls.Count; i++)
        {
            var transport = string.Create(CultureInfo.InvariantCulture, $"Transport: RTP/AVP/TCP;unicast;interleaved={2 * i}-{(2 * i) + 1}\r\n");
            await SendAsync("SETUP", controls[i], transport, token);
            var (setup, _) = await ReadReplyAsync("SETUP", token);
            _session ??= Header(setup, "Session")?.Split(';')[0].Trim() ?? throw new IOException("SETUP: no Session header");
        }

        await SendAsync("PLAY", _aggregate, "Range: npt=0.000-\r\n", token);
        await ReadReplyAsync("PLAY", token);
    }

    private async Task SendAsync(string method, string url, string? extra, CancellationToken cancel)
    {
        var session = _session is null ? "" : $"Session: {_session}\r\n";
        var request = $"{method} {url} RTSP/1.0\r\nCSeq: {++_cseq}\r\nUser-Agent: LiveMux.LoadGen\r\n{session}{extra}\r\n";
        await _writeGate.WaitAsync(cancel);
        try
        {
            await Stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancel);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<(string Headers, string Body)> ReadReplyAsync(string method, CancellationToken cancel)
    {
        var buffer = new byte[8192];
        var data = new List<byte>(_pending);
        _pending = [];
        while (true)
        {
            var text = Encoding.Latin1.GetString([.. data]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var headers = text[..end];
                var length = int.TryParse(Header(headers, "Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0;
                if (length is < 0 or > MaxReply)
                {
                    throw new IOException($"{method}: Content-Length {length}");
                }

                if (data.Count >= end + 4 + length)
                {
                    var status = headers.Split("\r\n")[0];
                    if (!status.StartsWith("RTSP/1.0 200", StringComparison.Ordinal))
                    {
                        throw new IOException($"{method}: {status}");
                    }

                    _pending = [.. data.Skip(end + 4 + length)];
                    return (headers, text.Substring(end + 4, length));
                }
            }

            if (data.Count > MaxReply)
            {
                throw new IOException($"{method}: reply longer than {MaxReply} bytes");
            }

            var n = await Stream.ReadAsync(buffer, cancel);
            if (n == 0)
            {
                throw new IOException($"{method}: the server closed the connection");
            }

            data.AddRange(buffer.AsSpan(0, n));
        }
    }

    private static string? Header(string headers, string name) => headers.Split("\r\n")
        .Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
        .Select(l => l[(name.Length + 1)..].Trim())
        .FirstOrDefault();

    /// <summary>Each m= section's a=control, resolved against the content base.</summary>
    internal static List<string> Controls(string sdp, string contentBase)
    {
        var controls = new List<string>();
        var inMedia = false;
        foreach (var line in sdp.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                inMedia = true;
                controls.Add(contentBase);
            }
            else if (inMedia && line.StartsWith("a=control:", StringComparison.Ordinal))
            {
                var control = line["a=control:".Length..].Trim();
                controls[^1] = control.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) || control.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase)
                    ? control
                    : contentBase.TrimEnd('/') + "/" + control;
            }
        }

        return controls;
    }
}
