using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A headless viewer speaking the MSE WebSocket protocol: it offers codecs, then records the text
/// messages and the binary fMP4 it receives.
/// </summary>
internal sealed class WsViewer : IAsyncDisposable
{
    public const string BrowserCodecs = "avc1.42E01E,avc1.4D401F,avc1.640029,mp4a.40.2,opus,flac";

    private readonly ClientWebSocket _socket = new();
    private readonly MemoryStream? _recording;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<JsonElement> _messages = [];
    private Task _receiving = Task.CompletedTask;
    private long _bytes;
    private int _binaryMessages;
    private long _lastBinaryTimestamp;
    private long _maxGapTicks;

    private WsViewer(bool record) => _recording = record ? new MemoryStream() : null;

    public long Bytes => Interlocked.Read(ref _bytes);

    public int BinaryMessages => Volatile.Read(ref _binaryMessages);

    public DateTime? FirstBinaryAt { get; private set; }

    /// <summary>The longest time between two binary messages since the last <see cref="ResetMaxGap"/>.</summary>
    public TimeSpan MaxGap => System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _maxGapTicks));

    public void ResetMaxGap() => Interlocked.Exchange(ref _maxGapTicks, 0);

    public IReadOnlyList<JsonElement> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public byte[] Recording
    {
        get
        {
            if (_recording is null)
            {
                return [];
            }

            lock (_recording)
            {
                return _recording.ToArray();
            }
        }
    }

    public static async Task<WsViewer> ConnectAsync(Uri url, string codecs = BrowserCodecs, bool record = false)
    {
        var viewer = new WsViewer(record);
        await viewer._socket.ConnectAsync(url, CancellationToken.None);
        var hello = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type = "mse", value = codecs }));
        await viewer._socket.SendAsync(hello, WebSocketMessageType.Text, true, CancellationToken.None);
        viewer._receiving = viewer.ReceiveAsync();
        return viewer;
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 20];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    using var doc = JsonDocument.Parse(message.ToArray());
                    lock (_messages)
                    {
                        _messages.Add(doc.RootElement.Clone());
                    }
                }
                else
                {
                    FirstBinaryAt ??= DateTime.UtcNow;
                    var now = System.Diagnostics.Stopwatch.GetTimestamp();
                    var last = Interlocked.Exchange(ref _lastBinaryTimestamp, now);
                    if (last != 0 && now - last > Interlocked.Read(ref _maxGapTicks))
                    {
                        Interlocked.Exchange(ref _maxGapTicks, now - last);
                    }

                    Interlocked.Add(ref _bytes, message.Length);
                    Interlocked.Increment(ref _binaryMessages);
                    if (_recording is not null)
                    {
                        lock (_recording)
                        {
                            message.WriteTo(_recording);
                        }
                    }
                }

                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    public bool HasMessage(string type, Func<string, bool>? value = null) =>
        Messages.Any(m => m.GetProperty("type").GetString() == type && (value is null || value(m.GetProperty("value").GetString() ?? "")));

    public async Task WaitForAsync(Func<WsViewer, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; messages: {string.Join(" | ", Messages)}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _receiving;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }

        _socket.Abort();
        _socket.Dispose();
        _stop.Dispose();
    }
}
