using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using LiveMux.Rtsp.Protocol;
using Microsoft.Extensions.Logging;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// One client's TCP connection (gortsplib's ServerConn): a read loop that frames requests with
/// <see cref="RtspMessageReader"/> and answers them in order, and a writer loop (<see cref="ServerSendQueue"/>)
/// that owns the socket's send side. Deadlines: a client that sends nothing for the session timeout, takes longer
/// than the request timeout to send one request, or blocks one send longer than the send timeout is closed.
/// </summary>
internal sealed partial class ServerConnection : IDisposable
{
    private const int MaxInterleavedPacket = ushort.MaxValue;

    private static readonly TimeSpan RejectTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly RtspServer _server;
    private readonly RtspServerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly bool _reject;
    private readonly EndPoint? _remote;
    private readonly ServerSendQueue _queue;
    private readonly RtspReaderLimits _limits;
    private readonly CancellationTokenSource _life = new();
    private readonly ITimer _readDeadline;
    private readonly ITimer _sendDeadline;
    private readonly TimeSpan _idleTimeout;
    private long _lastActivity;
    private long _requestStarted = -1;
    private string? _closeReason;
    private readonly DateTimeOffset _since;
    private ServerSession? _session;
    private OpenPath? _read;
    private PublishState? _publish;
    private byte[]? _packet;

    public ServerConnection(Socket socket, RtspServer server, RtspServerOptions options, ILogger logger, TimeProvider time, bool reject)
    {
        _socket = socket;
        _server = server;
        _options = options;
        _logger = logger;
        _time = time;
        _reject = reject;
        _remote = socket.RemoteEndPoint;
        _queue = new ServerSendQueue(options.QueueFrames, time, server.Udp);
        _since = time.GetUtcNow();
        _limits = new RtspReaderLimits(options.MaxRequestBytes, options.MaxRequestBytes, ushort.MaxValue,
            options.MaxRequestBytes, options.MaxHeaderCount);
        _idleTimeout = reject ? TimeSpan.FromTicks(Math.Min(RejectTimeout.Ticks, options.SessionTimeout.Ticks)) : options.SessionTimeout;
        _lastActivity = time.GetTimestamp();
        _readDeadline = time.CreateTimer(static s => ((ServerConnection)s!).OnReadDeadline(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _sendDeadline = time.CreateTimer(static s => ((ServerConnection)s!).Close(
            $"a send blocked for more than {((ServerConnection)s!)._options.SendTimeout.TotalSeconds:0.#} s: the client stopped reading"),
            this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public EndPoint? Remote => _remote;

    /// <summary>Why the connection ended; valid once <see cref="RunAsync"/> has completed.</summary>
    public string CloseReason { get; private set; } = "";

    /// <summary>The connection's send queue, for its statistics.</summary>
    internal ServerSendQueue Queue => _queue;

    /// <summary>What the API lists: the path it plays or publishes, once it does; null before.</summary>
    public RtspClientInfo? Info
    {
        get
        {
            var remote = _remote?.ToString() ?? "";
            if (Volatile.Read(ref _publish) is { Recording: true } publish)
            {
                return new RtspClientInfo(publish.Path, remote, publish.Transport, Publishing: true, _since);
            }

            return Volatile.Read(ref _session) is { State: SessionState.Playing } session
                ? new RtspClientInfo(session.Path, remote, session.Transport, Publishing: false, _since)
                : null;
        }
    }

    public async Task RunAsync(CancellationToken serverStopping)
    {
        using var stopping = serverStopping.Register(static s => ((ServerConnection)s!).Close("the server is stopping"), this);
        using var abort = _life.Token.Register(static s => ((Socket)s!).Dispose(), _socket);
        var stream = new NetworkStream(_socket, ownsSocket: true);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
        var writing = WriteLoopAsync(stream);
        ArmReadDeadline();
        var reason = "the client closed the connection";
        try
        {
            reason = await ReadLoopAsync(reader).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_life.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            RtspServerLog.ConnectionFailed(_logger, _remote, ex);
            reason = "the connection failed: " + ex.Message;
        }
        finally
        {
            _readDeadline.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            EndSession();
            EndPublish(Volatile.Read(ref _closeReason) ?? reason);
            ReleaseRead();
            // Queued answers (a 413, the TEARDOWN reply) still go out, within the send deadline.
            _queue.Complete();
            await writing.ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            reason = Volatile.Read(ref _closeReason) ?? reason;
            CloseReason = reason;
            RtspServerLog.Closed(_logger, _remote, reason, _queue.FramesSent, _session?.FramesSkipped ?? 0, _session?.SkipEpisodes ?? 0);
        }
    }

    /// <summary>Closes the connection at once (abortive): the socket is disposed, pending reads and sends fail.</summary>
    public void Close(string reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is null && !_life.IsCancellationRequested)
        {
            if (reason != "the server is stopping")
            {
                RtspServerLog.Disconnected(_logger, _remote, reason);
            }
            try
            {
                _life.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Call once <see cref="RunAsync"/> has completed.</summary>
    public void Dispose()
    {
        _readDeadline.Dispose();
        _sendDeadline.Dispose();
        _life.Dispose();
    }

    private async Task<string> ReadLoopAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync(_life.Token).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                Volatile.Write(ref _lastActivity, _time.GetTimestamp());
            }
            try
            {
                while (RtspMessageReader.TryRead(ref buffer, _limits, out var frame))
                {
                    // A reader's interleaved frames (its RTCP receiver reports) and stray responses only keep it alive.
                    if (frame.Kind == RtspFrameKind.Interleaved)
                    {
                        OnInterleaved(frame.Channel, frame.Payload);
                    }
                    else if (frame.Kind == RtspFrameKind.Request && !await HandleAsync(frame.Request!).ConfigureAwait(false))
                    {
                        reader.AdvanceTo(buffer.Start);
                        return Volatile.Read(ref _closeReason) ?? "the session ended";
                    }
                }
            }
            catch (RtspException ex)
            {
                RtspServerLog.BadRequest(_logger, _remote, ex.Message);
                var status = ex.Kind == RtspErrorKind.LimitExceeded ? RtspStatus.RequestEntityTooLarge : RtspStatus.BadRequest;
                _queue.TryEnqueueResponse(RtspResponseWriter.Write(status, null, [new("Connection", "close")]));
                return "bad request: " + ex.Message;
            }

            // A request that has started must be complete within the request timeout, however slowly it trickles.
            Volatile.Write(ref _requestStarted, buffer.IsEmpty ? -1 : _requestStarted >= 0 ? _requestStarted : _time.GetTimestamp());
            ArmReadDeadline();
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return "the client closed the connection";
            }
        }
    }

    /// <summary>A packet from a UDP client: any keeps its session alive; a publisher's go to its target.</summary>
    internal void OnUdp(int track, ReadOnlySpan<byte> packet, bool rtcp)
    {
        Volatile.Write(ref _lastActivity, _time.GetTimestamp());
        Volatile.Read(ref _publish)?.Deliver(track, packet, rtcp);
    }

    private void OnInterleaved(byte channel, System.Buffers.ReadOnlySequence<byte> payload)
    {
        if (_publish is not { } publish || !publish.TryFindChannel(channel, out var track, out var rtcp))
        {
            return;
        }

        if (payload.IsSingleSegment)
        {
            publish.Deliver(track, payload.FirstSpan, rtcp);
            return;
        }

        var copy = _packet ??= new byte[MaxInterleavedPacket];
        var length = (int)Math.Min(payload.Length, copy.Length);
        System.Buffers.BuffersExtensions.CopyTo(payload.Slice(0, length), copy);
        publish.Deliver(track, copy.AsSpan(0, length), rtcp);
    }

    private async Task WriteLoopAsync(Stream stream)
    {
        try
        {
            await _queue.RunWriterAsync(stream,
                () => _sendDeadline.Change(_options.SendTimeout, Timeout.InfiniteTimeSpan),
                () => _sendDeadline.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan),
                _life.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Close("sending failed: " + ex.Message);
        }
        catch (Exception ex)
        {
            // A bug, not the client: close this connection with the reason rather than leave it silent.
            RtspServerLog.ConnectionFailed(_logger, _remote, ex);
            Close("internal error while sending: " + ex.GetType().Name);
        }
        finally
        {
            _sendDeadline.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void ArmReadDeadline()
    {
        var due = NextReadDeadline() - _time.GetTimestamp();
        var wait = due <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)due / _time.TimestampFrequency);
        try
        {
            _readDeadline.Change(wait, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private long NextReadDeadline()
    {
        var frequency = _time.TimestampFrequency;
        var idle = Volatile.Read(ref _lastActivity) + (long)(_idleTimeout.TotalSeconds * frequency);
        var started = Volatile.Read(ref _requestStarted);
        return started < 0 ? idle : Math.Min(idle, started + (long)(_options.RequestTimeout.TotalSeconds * frequency));
    }

    private void OnReadDeadline()
    {
        var now = _time.GetTimestamp();
        var started = Volatile.Read(ref _requestStarted);
        if (started >= 0 && _time.GetElapsedTime(started, now) >= _options.RequestTimeout)
        {
            Close($"a request took longer than {_options.RequestTimeout.TotalSeconds:0.#} s to arrive");
        }
        else if (_time.GetElapsedTime(Volatile.Read(ref _lastActivity), now) >= _idleTimeout)
        {
            Close($"the client sent nothing for {_idleTimeout.TotalSeconds:0.#} s (session timeout)");
        }
        else
        {
            ArmReadDeadline();
        }
    }
}
