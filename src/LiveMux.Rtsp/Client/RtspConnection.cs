using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using LiveMux.Rtsp.Protocol;
using LiveMux.Rtsp.Transport;

namespace LiveMux.Rtsp.Client;

internal interface IRtspFrameHandler
{
    /// <summary>Handles one frame; interleaved payloads are valid only during the call. Return true to stop reading.</summary>
    bool OnFrame(in RtspFrame frame);
}

/// <summary>
/// A TCP connection to an RTSP server. A pump task moves socket bytes into a <see cref="Pipe"/> and owns no state;
/// the owner reads frames with <see cref="ReadFramesAsync"/> (ReadAsync -> while TryRead -> AdvanceTo) and is the
/// only writer, so writes are serialized by construction. <see cref="Wake"/> interrupts a pending read so an
/// actor loop can run its timers. For rtsps:// the bytes go through TLS (<see cref="RtspTls"/>); SslStream allows one
/// reader (the pump) and one writer (the owner) at once.
/// </summary>
internal sealed class RtspConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly Pipe _pipe;
    private readonly RtspReaderLimits _limits;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _pump;
    private const int SendBufferBytes = 64 * 1024;
    private static readonly TimeSpan s_minimumSendTimeout = TimeSpan.FromMilliseconds(10);
    private int _disposed;

    private RtspConnection(Socket socket, Stream stream, RtspReaderLimits limits, TimeProvider time)
    {
        _socket = socket;
        _time = time;
        _stream = stream;
        LocalAddress = ((IPEndPoint)socket.LocalEndPoint!).Address;
        RemoteAddress = ((IPEndPoint)socket.RemoteEndPoint!).Address;
        _limits = limits;
        // The pause threshold must exceed the largest frame, or the pump would stop before a frame completes.
        long largest = Math.Max((long)limits.MaxHeaderBytes + limits.MaxBodyBytes, limits.MaxInterleavedFrameBytes + 4L);
        var pause = 2 * largest + 65536;
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: pause, resumeWriterThreshold: pause / 2,
            useSynchronizationContext: false));
        _pump = Task.Run(PumpAsync);
    }

    public bool IsBroken { get; private set; }

    public string RemoteEndPoint => _socket.RemoteEndPoint?.ToString() ?? "?";

    /// <summary>The local address of the RTSP connection: UDP sockets bind there, on the same interface.</summary>
    public IPAddress LocalAddress { get; }

    public IPAddress RemoteAddress { get; }


    public static async Task<RtspConnection> ConnectAsync(
        RtspUrl url, RtspClientOptions options, TimeProvider time, CancellationToken ct)
    {
        var host = url.Uri.Host.Trim('[', ']');
        EndPoint endPoint = IPAddress.TryParse(host, out var address)
            ? new IPEndPoint(address, url.Uri.Port)
            : new DnsEndPoint(host, url.Uri.Port);
        var socket = endPoint.AddressFamily == AddressFamily.InterNetwork
            ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            socket.NoDelay = true;
            // What we send a camera is small (requests, replies to its requests). A fixed send buffer turns off
            // the kernel's growth of it to megabytes, so a camera that stops reading blocks our sends after a
            // few KB, and the send deadline sees it, instead of after thousands of queued replies.
            socket.SendBufferSize = SendBufferBytes;
            await socket.ConnectAsync(endPoint, linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RtspException(RtspErrorKind.ConnectTimeout,
                $"cannot connect to {url.Uri.Authority}: no answer within {options.ConnectTimeout.TotalSeconds:0.#} s");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new RtspException(RtspErrorKind.Unreachable, $"cannot connect to {url.Uri.Authority}: {Describe(e)}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (url.IsSecure)
        {
            try
            {
                stream = await RtspTls.AuthenticateAsync(stream, host, url, options, time, ct);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        return new RtspConnection(socket, stream, RtspReaderLimits.From(options), time);
    }

    public void Wake() => _pipe.Reader.CancelPendingRead();

    /// <summary>
    /// Writes all of <paramref name="bytes"/> within <paramref name="timeout"/>. A camera that stops reading fills
    /// the TCP window and a write would wait for ever, so every send has a deadline: past it the send fails with
    /// <see cref="RtspErrorKind.SendTimeout"/>, naming <paramref name="what"/>. A send cut short (timeout or
    /// <paramref name="ct"/>) may have written part of a message, so the connection is broken afterwards.
    /// </summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, TimeSpan timeout, string what, CancellationToken ct)
    {
        if (timeout < s_minimumSendTimeout)
        {
            timeout = s_minimumSendTimeout;
        }
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            // NetworkStream and SslStream write everything or throw.
            await _stream.WriteAsync(bytes, linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            IsBroken = true;
            if (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("sending to the camera was cancelled", e, ct);
            }
            if (deadline.IsCancellationRequested)
            {
                throw new RtspException(RtspErrorKind.SendTimeout,
                    $"the camera stopped reading: {what} could not be sent within {timeout.TotalSeconds:0.#} s", e);
            }
            throw new RtspException(RtspErrorKind.ConnectionClosed, "the connection to the camera was lost while sending", e);
        }
    }

    /// <summary>
    /// Feeds frames to <paramref name="handler"/> until it returns true (result true) or <see cref="Wake"/> is
    /// called (result false). Throws <see cref="RtspException"/> on bad input or a closed connection.
    /// </summary>
    public async ValueTask<bool> ReadFramesAsync(IRtspFrameHandler handler, CancellationToken ct)
    {
        var reader = _pipe.Reader;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(ct);
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                IsBroken = true;
                throw new RtspException(RtspErrorKind.ConnectionClosed, $"the connection to the camera was lost: {Describe(e)}", e);
            }
            var buffer = result.Buffer;
            var stopped = false;
            try
            {
                while (!stopped && RtspMessageReader.TryRead(ref buffer, _limits, out var frame))
                {
                    stopped = handler.OnFrame(frame);
                }
            }
            catch (RtspException)
            {
                IsBroken = true;
                throw;
            }
            finally
            {
                // When stopped early, leave the rest unexamined so the next read returns it at once.
                if (stopped)
                {
                    reader.AdvanceTo(buffer.Start);
                }
                else
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
            if (stopped)
            {
                return true;
            }
            if (result.IsCanceled)
            {
                return false;
            }
            if (result.IsCompleted)
            {
                IsBroken = true;
                throw new RtspException(RtspErrorKind.ConnectionClosed, buffer.IsEmpty
                    ? "the camera closed the connection"
                    : "the camera closed the connection in the middle of a message");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _closing.CancelAsync();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // already reset by the peer
        }
        _socket.Dispose();
        await _stream.DisposeAsync();
        try
        {
            await _pump;
        }
        catch (Exception)
        {
            // the pump reports errors through the pipe
        }
        await _pipe.Reader.CompleteAsync();
        _closing.Dispose();
    }

    private async Task PumpAsync()
    {
        var writer = _pipe.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(8192);
                var read = await _stream.ReadAsync(memory, _closing.Token);
                if (read == 0)
                {
                    break;
                }
                writer.Advance(read);
                var flush = await writer.FlushAsync(_closing.Token);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // closing
        }
        catch (Exception e)
        {
            error = e;
        }
        await writer.CompleteAsync(error);
    }

    private static string Describe(Exception e) => e switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => "host not found",
        SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable } => "network unreachable",
        SocketException { SocketErrorCode: SocketError.ConnectionReset } => "connection reset",
        SocketException s => s.SocketErrorCode.ToString(),
        _ => e.GetType().Name,
    };
}
