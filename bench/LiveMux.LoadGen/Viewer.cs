using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace LiveMux.LoadGen;

/// <summary>
/// One WebSocket viewer: asks for MSE like a browser player, then reads every message, timing each frame
/// against the camera's clock stamp and each fragment against its prft (the hub's receive time). An rtsp:// URL
/// makes it an RTSP reader over TCP interleaved (<see cref="RtspPlay"/>) that drains the socket the same way
/// (no prft there: camera latency only).
/// </summary>
internal sealed class Viewer(int group, Uri url, string? request, TimeProvider time)
{
    private readonly FrameScanner _scanner = new();
    private readonly Lock _gate = new();
    private ViewerWindow _window = new();
    private long _startedUs;

    public int Group => group;

    public double? FirstFrameMs { get; private set; }

    public string? Error { get; private set; }

    public bool Closed { get; private set; }

    public ViewerWindow Swap()
    {
        lock (_gate)
        {
            var w = _window;
            _window = new ViewerWindow();
            return w;
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        _startedUs = NowUs();
        if (url.Scheme is "rtsp")
        {
            await RunRtspAsync(stop);
            return;
        }

        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(url, stop);
            if (request is not null)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(request), WebSocketMessageType.Text, true, stop);
            }

            var buffer = new byte[256 * 1024];
            var messageStart = true;
            while (!stop.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), stop);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Error ??= $"closed by the server: {socket.CloseStatusDescription}";
                    break;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    OnBinary(buffer.AsSpan(0, result.Count), messageStart);
                }

                messageStart = result.EndOfMessage;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is WebSocketException or IOException or HttpRequestException)
        {
            Error ??= e.Message;
        }
        finally
        {
            Closed = !stop.IsCancellationRequested;
        }
    }

    private async Task RunRtspAsync(CancellationToken stop)
    {
        try
        {
            using var play = await RtspPlay.OpenAsync(url, stop);
            OnBinary(play.TakeLeftover(), messageStart: false);
            using var keepAlive = new PeriodicTimer(TimeSpan.FromSeconds(20), time);
            var keepAliveLoop = KeepAliveAsync(play, keepAlive, stop);
            var buffer = new byte[256 * 1024];
            while (!stop.IsCancellationRequested)
            {
                var n = await play.Stream.ReadAsync(buffer, stop);
                if (n == 0)
                {
                    Error ??= "closed by the server";
                    break;
                }

                OnBinary(buffer.AsSpan(0, n), messageStart: false);
            }

            keepAlive.Dispose();
            await keepAliveLoop;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            Error ??= e.Message;
        }
        finally
        {
            Closed = !stop.IsCancellationRequested;
        }
    }

    private static async Task KeepAliveAsync(RtspPlay play, PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await play.KeepAliveAsync(stop);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    private void OnBinary(ReadOnlySpan<byte> chunk, bool messageStart)
    {
        var now = NowUs();
        lock (_gate)
        {
            var window = _window;
            window.Bytes += chunk.Length;
            if (messageStart && Prft.TryReadReceiveTime(chunk, out var hubUs))
            {
                window.DeliveryLatencyMs.Add((now - hubUs) / 1000f);
            }

            _scanner.Scan(chunk, (epochUs, number) =>
            {
                window.AddFrame(number, (now - epochUs) / 1000f);
                FirstFrameMs ??= (now - _startedUs) / 1000.0;
            });
        }
    }

    private long NowUs() => (time.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;
}
