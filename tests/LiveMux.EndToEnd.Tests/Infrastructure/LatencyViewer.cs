using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A headless viewer that times every media fragment: delivery latency = the wall-clock time the message was
/// received here minus the prft's NTP time (the hub's receive time, read from the same machine's clock), and
/// frame continuity from the mfhd sequence numbers, which the stream's muxer numbers 1, 2, 3... for every viewer.
/// <code>
///  0        8        16                 24        32       40       52       56
///  | prft hdr | v,f,trk | ntp (64 bit)    | media   | moof hdr | mfhd hdr,v,f | sequence_number | ...
/// </code>
/// </summary>
internal sealed class LatencyViewer : IAsyncDisposable
{
    private const int NtpOffset = 16;
    private const int SequenceOffset = 32 + 8 + 12;
    private static readonly DateTime s_ntpEpoch = new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Sample> _samples = [];
    private readonly List<(DateTime At, string Status)> _statuses = [];
    private Task _receiving = Task.CompletedTask;
    private uint _lastSequence;
    private long _missing;
    private int _disposed;

    private LatencyViewer(string name) => Name = name;

    public readonly record struct Sample(DateTime At, double LatencyMs, uint Sequence);

    public string Name { get; }

    /// <summary>Fragments whose sequence number was skipped: frames this viewer never got.</summary>
    public long Missing => Interlocked.Read(ref _missing);

    /// <summary>Whether the server closed the socket (with a close frame, or by dropping it).</summary>
    public bool Closed { get; private set; }

    public string? CloseDescription { get; private set; }

    public int Fragments
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count;
            }
        }
    }

    /// <summary>Status and error messages in the order received, as "type:value:reason".</summary>
    public IReadOnlyList<string> Statuses
    {
        get
        {
            lock (_statuses)
            {
                return [.. _statuses.Select(s => s.Status)];
            }
        }
    }

    /// <summary>
    /// Waits for a status message starting with <paramref name="prefix"/> received at or after <paramref name="from"/>
    /// and returns when it was received. The socket keeps every status in order, so a short-lived state is not missed
    /// as a poll of /api/streams can miss it.
    /// </summary>
    public async Task<DateTime> WaitForStatusAsync(string prefix, DateTime from, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_statuses)
            {
                foreach (var (at, status) in _statuses)
                {
                    if (at >= from && status.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return at;
                    }
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"{Name}: no '{prefix}' status within {timeout.TotalSeconds:0.#} s; statuses: {string.Join(" | ", Statuses)}");
            await Task.Delay(20);
        }
    }

    public static async Task<LatencyViewer> ConnectAsync(Uri url, string name)
    {
        var viewer = new LatencyViewer(name);
        await viewer._socket.ConnectAsync(url, CancellationToken.None);
        var hello = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type = "mse", value = WsViewer.BrowserCodecs }));
        await viewer._socket.SendAsync(hello, WebSocketMessageType.Text, true, CancellationToken.None);
        viewer._receiving = viewer.ReceiveAsync();
        return viewer;
    }

    /// <summary>Latencies of fragments received in [from, to).</summary>
    public List<double> Between(DateTime from, DateTime to)
    {
        lock (_samples)
        {
            return [.. _samples.Where(s => s.At >= from && s.At < to).Select(s => s.LatencyMs)];
        }
    }

    public List<Sample> Samples(DateTime from, DateTime to)
    {
        lock (_samples)
        {
            return [.. _samples.Where(s => s.At >= from && s.At < to)];
        }
    }

    /// <summary>The first fragment received at or after <paramref name="from"/>, if any.</summary>
    public Sample? FirstAfter(DateTime from)
    {
        lock (_samples)
        {
            foreach (var s in _samples)
            {
                if (s.At >= from)
                {
                    return s;
                }
            }
        }

        return null;
    }

    /// <summary>The longest silence between two fragments received in [from, to).</summary>
    public TimeSpan LongestGap(DateTime from, DateTime to)
    {
        lock (_samples)
        {
            var gap = TimeSpan.Zero;
            DateTime? last = null;
            foreach (var s in _samples.Where(s => s.At >= from && s.At < to))
            {
                if (last is { } l && s.At - l > gap)
                {
                    gap = s.At - l;
                }

                last = s.At;
            }

            return gap;
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 20];
        var used = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (used == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(used), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseDescription = _socket.CloseStatusDescription;
                    Closed = true;
                    return;
                }

                used += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var at = DateTime.UtcNow;
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    OnText(buffer.AsSpan(0, used), at);
                }
                else
                {
                    OnBinary(buffer.AsSpan(0, used), at);
                }

                used = 0;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            Closed = !_stop.IsCancellationRequested;
        }
    }

    private void OnText(ReadOnlySpan<byte> message, DateTime at)
    {
        using var doc = JsonDocument.Parse(message.ToArray());
        var root = doc.RootElement;
        var type = root.GetProperty("type").GetString();
        var value = root.TryGetProperty("value", out var v) ? v.ToString() : "";
        var reason = root.TryGetProperty("reason", out var r) ? r.GetString() : null;
        lock (_statuses)
        {
            _statuses.Add((at, $"{type}:{value}:{reason}"));
        }
    }

    private void OnBinary(ReadOnlySpan<byte> message, DateTime at)
    {
        // Init segments start with ftyp; only media fragments carry a prft.
        if (message.Length < SequenceOffset + 4 || !message.Slice(4, 4).SequenceEqual("prft"u8))
        {
            return;
        }

        var ntp = BinaryPrimitives.ReadUInt64BigEndian(message[NtpOffset..]);
        var seconds = (double)(ntp >> 32) + ((ntp & 0xFFFF_FFFF) / 4294967296.0);
        var latency = (at - s_ntpEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond))).TotalMilliseconds;
        var sequence = BinaryPrimitives.ReadUInt32BigEndian(message[SequenceOffset..]);
        if (_lastSequence != 0 && sequence > _lastSequence + 1)
        {
            Interlocked.Add(ref _missing, sequence - _lastSequence - 1);
        }

        _lastSequence = sequence;
        lock (_samples)
        {
            _samples.Add(new Sample(at, latency, sequence));
        }
    }

    public async Task WaitForFragmentsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Fragments < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Name}: {Fragments} fragments after {timeout}, expected {count}; statuses: {string.Join(" | ", Statuses)}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

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
