using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace LiveMux.Tests;

/// <summary>A deliberately naive RTSP client over a raw TcpClient, independent of the server's code.</summary>
internal sealed class RawRtspClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _one = new byte[1];
    private int _cseq;

    private RawRtspClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _stream.ReadTimeout = 10_000;
    }

    public static async Task<RawRtspClient> ConnectAsync(Uri url, int? receiveBuffer = null)
    {
        var tcp = new TcpClient();
        if (receiveBuffer is { } size)
        {
            tcp.ReceiveBufferSize = size;
        }

        await tcp.ConnectAsync(url.Host, url.Port);
        return new RawRtspClient(tcp);
    }

    public NetworkStream Stream => _stream;

    public async Task<RawResponse> RequestAsync(string method, string uri, params string[] headers)
    {
        var sb = new StringBuilder($"{method} {uri} RTSP/1.0\r\nCSeq: {++_cseq}\r\n");
        foreach (string h in headers)
        {
            sb.Append(h).Append("\r\n");
        }

        await SendRawAsync(sb.Append("\r\n").ToString());
        RawResponse response = await ReadResponseAsync();
        Assert.Equal(_cseq.ToString(), response.Headers.GetValueOrDefault("CSeq"));
        return response;
    }

    public async Task<RawResponse> RequestWithBodyAsync(string method, string uri, string body, string contentType, params string[] headers)
    {
        var sb = new StringBuilder($"{method} {uri} RTSP/1.0\r\nCSeq: {++_cseq}\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n");
        foreach (string h in headers)
        {
            sb.Append(h).Append("\r\n");
        }

        await SendRawAsync(sb.Append("\r\n").Append(body).ToString());
        RawResponse response = await ReadResponseAsync();
        Assert.Equal(_cseq.ToString(), response.Headers.GetValueOrDefault("CSeq"));
        return response;
    }

    public Task SendRawAsync(string text) => _stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    /// <summary>Reads one response, skipping interleaved frames that come before it.</summary>
    public async Task<RawResponse> ReadResponseAsync()
    {
        while (true)
        {
            byte first = await ReadByteAsync();
            if (first == (byte)'$')
            {
                await ReadInterleavedBodyAsync();
                continue;
            }

            var head = new StringBuilder().Append((char)first);
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                head.Append((char)await ReadByteAsync());
            }

            string[] lines = head.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            string[] status = lines[0].Split(' ', 3);
            Assert.Equal("RTSP/1.0", status[0]);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string line in lines.Skip(1))
            {
                int colon = line.IndexOf(':');
                headers[line[..colon]] = line[(colon + 1)..].Trim();
            }

            string body = "";
            if (headers.TryGetValue("Content-Length", out string? length))
            {
                var bytes = new byte[int.Parse(length)];
                await _stream.ReadExactlyAsync(bytes);
                body = Encoding.UTF8.GetString(bytes);
            }

            return new RawResponse(int.Parse(status[1]), headers, body) { StatusLine = lines[0], Raw = head.ToString() };
        }
    }

    /// <summary>
    /// Reads the next interleaved RTP packet, passing over RTCP ones (RFC 5761 section 4: their second byte is
    /// 192..223), which go to <paramref name="rtcp"/> when given.
    /// </summary>
    public async Task<(byte Channel, byte[] Packet)> ReadRtpAsync(List<(byte Channel, byte[] Packet)>? rtcp = null)
    {
        while (true)
        {
            var frame = await ReadInterleavedAsync();
            if (frame.Packet.Length >= 2 && frame.Packet[1] is >= 192 and <= 223)
            {
                rtcp?.Add(frame);
                continue;
            }

            return frame;
        }
    }

    /// <summary>Reads the next interleaved frame: channel and RTP packet.</summary>
    public async Task<(byte Channel, byte[] Packet)> ReadInterleavedAsync()
    {
        byte first = await ReadByteAsync();
        Assert.Equal((byte)'$', first);
        return await ReadInterleavedBodyAsync();
    }

    private async Task<(byte Channel, byte[] Packet)> ReadInterleavedBodyAsync()
    {
        var header = new byte[3];
        await _stream.ReadExactlyAsync(header);
        var packet = new byte[BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(1))];
        await _stream.ReadExactlyAsync(packet);
        return (header[0], packet);
    }

    private async Task<byte> ReadByteAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int n = await _stream.ReadAsync(_one, timeout.Token);
        if (n == 0)
        {
            throw new EndOfStreamException("The server closed the connection.");
        }

        return _one[0];
    }

    /// <summary>True when the server closes the connection within <paramref name="within"/> (data before it is discarded).</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan within)
    {
        var sink = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (await _stream.ReadAsync(sink, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset by the server
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }
}

internal sealed record RawResponse(int Status, Dictionary<string, string> Headers, string Body)
{
    /// <summary>"RTSP/1.0 401 reason phrase".</summary>
    public string StatusLine { get; init; } = "";

    /// <summary>The status line and headers as received (repeated headers included).</summary>
    public string Raw { get; init; } = "";
}
