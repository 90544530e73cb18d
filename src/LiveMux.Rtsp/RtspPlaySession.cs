using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Protocol;
using Microsoft.Extensions.Logging;

namespace LiveMux.Rtsp;

/// <summary>
/// A playing RTSP session: an actor whose one loop (<see cref="RunAsync"/>) owns the connection.
/// <code>
///   timer tick / cancellation --Wake()--> loop: ReadAsync -> while TryRead -> dispatch -> AdvanceTo
///                                               then: answer server requests, check media timeout, send keepalive
/// </code>
/// Nothing else touches the socket while the loop runs, so writes are serialized without a lock; the timer only
/// interrupts the pending read, and the loop decides what is due.
/// </summary>
public sealed class RtspPlaySession : IAsyncDisposable
{
    private static readonly TimeSpan s_teardownTimeout = TimeSpan.FromSeconds(2);

    private readonly RtspControl _control;
    private readonly int[] _trackByChannel = new int[256];
    private readonly int[] _rtcpTrackByChannel = new int[256];
    private readonly string _sessionUrl;
    private readonly string _keepaliveMethod;
    private readonly TimeSpan _keepaliveInterval;
    private readonly RtspClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _scratch;
    private Task? _run;
    private int _disposed;

    internal RtspPlaySession(
        RtspControl control, IReadOnlyList<MediaTrack> tracks, int[] rtpChannels, string sessionUrl, string keepaliveMethod,
        TimeSpan sessionTimeout, string serverDescription, RtspClientOptions options, TimeProvider time, ILogger logger)
    {
        _control = control;
        Tracks = tracks;
        _sessionUrl = sessionUrl;
        _keepaliveMethod = keepaliveMethod;
        _keepaliveInterval = sessionTimeout / 2;
        ServerDescription = serverDescription;
        _options = options;
        _time = time;
        _logger = logger;
        _scratch = new byte[options.MaxInterleavedFrameBytes];
        Array.Fill(_trackByChannel, -1);
        Array.Fill(_rtcpTrackByChannel, -1);
        for (var i = 0; i < rtpChannels.Length; i++)
        {
            _trackByChannel[rtpChannels[i]] = i;
            if (rtpChannels[i] < 255 && _trackByChannel[rtpChannels[i] + 1] < 0)
            {
                _rtcpTrackByChannel[rtpChannels[i] + 1] = i;
            }
        }
    }

    /// <summary>The tracks that were set up; the index is the trackIndex given to the sink.</summary>
    public IReadOnlyList<MediaTrack> Tracks { get; }

    public string ServerDescription { get; }

    /// <summary>Returns normally when <paramref name="ct"/> is cancelled (or the session is disposed).</summary>
    public Task RunAsync(IRtpSink sink, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Interlocked.CompareExchange(ref _run, Task.CompletedTask, null) is not null)
        {
            throw new InvalidOperationException("RunAsync can be called once per session");
        }
        var run = RunLoopAsync(sink, ct);
        _run = run;
        return run;
    }

    private async Task RunLoopAsync(IRtpSink sink, CancellationToken ct)
    {
        await Task.Yield();
        var connection = _control.Connection;
        var loop = new LoopState(this, sink, _time.GetTimestamp());
        var tick = Clamp(Min(_options.MediaTimeout, _keepaliveInterval) / 4, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1));
        using var timer = _time.CreateTimer(static c => ((RtspConnection)c!).Wake(), connection, tick, tick);
        using var onCancel = ct.UnsafeRegister(static c => ((RtspConnection)c!).Wake(), connection);
        using var onStop = _stop.Token.UnsafeRegister(static c => ((RtspConnection)c!).Wake(), connection);
        var keepaliveTicks = (long)(_keepaliveInterval.TotalSeconds * _time.TimestampFrequency);
        var nextKeepalive = _time.GetTimestamp() + keepaliveTicks;
        try
        {
            while (true)
            {
                if (ct.IsCancellationRequested || _stop.IsCancellationRequested)
                {
                    RtspLog.SessionStopped(_logger, _control.Url.ToString());
                    return;
                }
                await connection.ReadFramesAsync(loop, CancellationToken.None);
                await _control.AnswerServerRequestsAsync(loop.ServerRequests, CancellationToken.None);

                var now = _time.GetTimestamp();
                if (_time.GetElapsedTime(loop.LastRtp, now) > _options.MediaTimeout)
                {
                    throw new RtspException(RtspErrorKind.NoMedia,
                        $"{_control.Url}: no RTP received for {_options.MediaTimeout.TotalSeconds:0.#} s");
                }
                if (now >= nextKeepalive)
                {
                    var request = _control.Build(_keepaliveMethod, _sessionUrl, null, out var cseq);
                    loop.KeepaliveCSeq = cseq;
                    await SendKeepaliveAsync(connection, request);
                    RtspLog.KeepaliveSent(_logger, _control.Url.ToString(), _keepaliveMethod);
                    nextKeepalive = now + keepaliveTicks;
                }
            }
        }
        catch (RtspException e)
        {
            RtspLog.SessionFailed(_logger, _control.Url.ToString(), e.Kind, e.Message);
            throw;
        }
    }

    /// <summary>
    /// A camera that stops reading its socket fills the TCP window, and a send would then wait for
    /// ever, with the media timeout unable to fire: the send gets the response timeout instead.
    /// </summary>
    private async Task SendKeepaliveAsync(RtspConnection connection, ReadOnlyMemory<byte> request)
    {
        using var timeout = new CancellationTokenSource(_options.ResponseTimeout, _time);
        try
        {
            await connection.SendAsync(request, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new RtspException(RtspErrorKind.ResponseTimeout,
                $"{_control.Url}: the camera stopped reading (keepalive not sent within {_options.ResponseTimeout.TotalSeconds:0.#} s)");
        }
    }

    /// <summary>TEARDOWN best-effort (short timeout), then close the socket. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync();
        if (_run is { } run)
        {
            try
            {
                await run;
            }
            catch (Exception)
            {
                // the caller of RunAsync observes the failure
            }
        }
        if (!_control.Connection.IsBroken)
        {
            try
            {
                await _control.ExchangeAsync("TEARDOWN", _sessionUrl, null, CancellationToken.None, s_teardownTimeout);
            }
            catch (RtspException e)
            {
                RtspLog.TeardownFailed(_logger, _control.Url.ToString(), e.Message);
            }
        }
        await _control.Connection.DisposeAsync();
        _stop.Dispose();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min ? min : value > max ? max : value;

    /// <summary>Per-frame dispatch, run inside the loop's read; it only records, the loop acts.</summary>
    private sealed class LoopState(RtspPlaySession session, IRtpSink sink, long start) : IRtspFrameHandler
    {
        public long LastRtp { get; private set; } = start;
        public int KeepaliveCSeq { get; set; } = -1;
        public List<RtspServerRequest> ServerRequests { get; } = [];

        private static ReadOnlySpan<byte> Copy(in System.Buffers.ReadOnlySequence<byte> payload, byte[] scratch)
        {
            var copy = scratch.AsSpan(0, (int)payload.Length);
            System.Buffers.BuffersExtensions.CopyTo(payload, copy);
            return copy;
        }

        public bool OnFrame(in RtspFrame frame)
        {
            switch (frame.Kind)
            {
                case RtspFrameKind.Interleaved:
                    var track = session._trackByChannel[frame.Channel];
                    var rtcpTrack = session._rtcpTrackByChannel[frame.Channel];
                    if (track < 0 && rtcpTrack < 0)
                    {
                        return false; // a channel nobody set up
                    }
                    var payload = frame.Payload;
                    var data = payload.IsSingleSegment ? payload.FirstSpan : Copy(payload, session._scratch);
                    if (track >= 0)
                    {
                        LastRtp = session._time.GetTimestamp();
                        sink.OnRtpPacket(track, data);
                    }
                    else
                    {
                        sink.OnRtcpPacket(rtcpTrack, data);
                    }
                    return false;
                case RtspFrameKind.Request:
                    ServerRequests.Add(frame.Request!);
                    return false;
                default:
                    var response = frame.Response!;
                    if (response.CSeq == KeepaliveCSeq)
                    {
                        RtspLog.KeepaliveAnswered(session._logger, session._control.Url.ToString(), response.StatusCode);
                    }
                    else
                    {
                        RtspLog.UnexpectedResponse(session._logger, session._control.Url.ToString(), response.StatusCode, response.CSeq);
                    }
                    return false;
                }
        }
    }
}
