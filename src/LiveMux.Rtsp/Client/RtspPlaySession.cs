using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Threading.Channels;
using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Rtp;
using LiveMux.Rtsp.Transport;
using Microsoft.Extensions.Logging;

namespace LiveMux.Rtsp.Client;

/// <summary>
/// A playing RTSP session: an actor. One loop (<see cref="RunAsync"/>) owns the connection and all session state;
/// other threads post commands to its bounded inbox and wake it, and read statistics through snapshots.
/// <code>
///   timer --Tick--+
///   cancel/dispose --Stop--+--> inbox --> loop: commands -> read frames (InterleavedDispatcher)
///   RequestKeyframe -------+                    -> UDP: UdpMediaReceiver (reorder) -> RtcpFeedback (RR, PLI)
///   UDP sockets --wake-----^                    -> media watchdog -> answer server requests -> Keepalive
/// </code>
/// Nothing else touches the socket while the loop runs, so writes are serialized without a lock; a wake only
/// interrupts the pending read, and the loop decides what is due. Each piece is loop-only; the counters read by
/// <see cref="GetStats"/> cross threads through Interlocked and the per-track sequence lock of TrackReception.
/// </summary>
public sealed class RtspPlaySession : IAsyncDisposable
{
    private static readonly TimeSpan s_teardownTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Ticks coalesce (one queued at most) and Stop is also a cancelled token: a small inbox is enough.</summary>
    private const int InboxCapacity = 16;

    private readonly RtspControl _control;
    private readonly int[] _rtpChannels;
    private readonly string _sessionUrl;
    private readonly string _keepaliveMethod;
    private readonly TimeSpan _keepaliveInterval;
    private readonly RtspClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<PlaySessionCommand> _inbox = Channel.CreateBounded<PlaySessionCommand>(
        new BoundedChannelOptions(InboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly UdpReceiver? _udp;
    private readonly UdpMediaReceiver? _udpMedia;
    private readonly RtcpFeedback? _feedback;
    private readonly TrackReception[] _reception;
    private readonly uint _ourSsrc = BinaryPrimitives.ReadUInt32BigEndian(RandomNumberGenerator.GetBytes(4));
    private readonly string _cname;
    private int _tickQueued;
    private Task? _run;
    private int _disposed;

    internal RtspPlaySession(
        RtspControl control, IReadOnlyList<MediaTrack> tracks, int[] rtpChannels, string sessionUrl, string keepaliveMethod,
        TimeSpan sessionTimeout, string serverDescription, RtspClientOptions options, TimeProvider time, ILogger logger,
        UdpReceiver? udp = null)
    {
        _udp = udp;
        Transport = udp is null ? RtspTransport.Tcp : RtspTransport.Udp;
        _cname = "livemux@" + control.Connection.LocalAddress;
        var maxWait = (long)(options.ReorderMaxWait.TotalSeconds * time.TimestampFrequency);
        _reception = [.. tracks.Select((t, i) => new TrackReception(i, t.ClockRate,
            udp is null ? null : new RtpReorderBuffer(options.ReorderMaxPackets, maxWait, static b => ArrayPool<byte>.Shared.Return(b))))];
        _control = control;
        Tracks = tracks;
        _rtpChannels = udp is null ? rtpChannels : [];
        _sessionUrl = sessionUrl;
        _keepaliveMethod = keepaliveMethod;
        _keepaliveInterval = sessionTimeout / 2;
        ServerDescription = serverDescription;
        _options = options;
        _time = time;
        _logger = logger;
        if (udp is not null)
        {
            _feedback = new RtcpFeedback(udp, _reception, tracks, options, _ourSsrc, _cname, control.Url.ToString(), time.GetTimestamp(), time, logger);
            _udpMedia = new UdpMediaReceiver(udp, _reception, _feedback, time);
        }
    }

    /// <summary>The tracks that were set up; the index is the trackIndex given to the sink.</summary>
    public IReadOnlyList<MediaTrack> Tracks { get; }

    public string ServerDescription { get; }

    /// <summary>Tcp or Udp: how RTP really arrives (Auto has been resolved by now).</summary>
    public RtspTransport Transport { get; }

    /// <summary>Why Auto fell back from UDP to TCP; null when it did not.</summary>
    public string? FallbackReason { get; internal set; }

    /// <summary>A snapshot of the reception counters; callable from any thread at any time, also after the session ended.</summary>
    public RtspSessionStats GetStats() => new(
        Transport,
        FallbackReason,
        [.. _reception.Select(r => r.Snapshot())],
        _udpMedia?.Garbage ?? 0,
        _udp?.Foreign ?? 0,
        _udp?.Overflows ?? 0,
        _feedback?.ReportsSent ?? 0,
        _feedback?.KeyframeRequests ?? 0);

    /// <summary>
    /// Asks the camera for a keyframe on a video track, from any thread. Over UDP the loop sends an RTCP PLI, no
    /// more often than <see cref="RtspClientOptions.KeyframeRequestMinInterval"/>; over TCP nothing is sent (false).
    /// </summary>
    public bool RequestKeyframe(int trackIndex)
    {
        if (_udp is null || (uint)trackIndex >= (uint)Tracks.Count || _disposed != 0)
        {
            return false;
        }
        return Post(new PlaySessionCommand(PlaySessionCommandKind.RequestKeyframe, trackIndex));
    }

    /// <summary>Over UDP: true once an RTP packet has arrived, false after <paramref name="timeout"/>. TCP: true.</summary>
    internal async Task<bool> WaitForFirstUdpPacketAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (_udp is null)
        {
            return true;
        }
        try
        {
            await _udp.FirstRtp.WaitAsync(timeout, _time, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sends one packet to each track's server RTP and RTCP port, so a NAT or stateful firewall in front of us lets
    /// the camera's packets in (the camera ignores them: an empty RTP packet and an empty receiver report).
    /// </summary>
    internal void PunchUdp()
    {
        if (_udp is null)
        {
            return;
        }
        Span<byte> rtp = stackalloc byte[12];
        rtp[0] = 0x80;
        rtp[1] = (byte)(Tracks.Count > 0 ? Tracks[0].PayloadType & 0x7F : 0);
        BinaryPrimitives.WriteUInt32BigEndian(rtp[8..], _ourSsrc);
        var rr = RtcpReceiverReport.Encode(_ourSsrc, null, _cname);
        for (var i = 0; i < Tracks.Count; i++)
        {
            rtp[1] = (byte)(Tracks[i].PayloadType & 0x7F);
            _udp.Send(i, false, rtp);
            _udp.Send(i, true, rr);
        }
    }

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

    private bool Post(PlaySessionCommand command)
    {
        var posted = _inbox.Writer.TryWrite(command);
        _control.Connection.Wake();
        return posted;
    }

    private void PostTick()
    {
        if (Interlocked.Exchange(ref _tickQueued, 1) == 0 && !Post(PlaySessionCommand.Tick))
        {
            Volatile.Write(ref _tickQueued, 0);
        }
    }

    private async Task RunLoopAsync(IRtpSink sink, CancellationToken ct)
    {
        await Task.Yield();
        var connection = _control.Connection;
        var start = _time.GetTimestamp();
        var keepalive = new Keepalive(_keepaliveMethod, _keepaliveInterval, start, _time);
        var dispatcher = new InterleavedDispatcher(
            _rtpChannels, _reception, _control, keepalive, sink, _options.MaxInterleavedFrameBytes, start, _time, _logger);
        _feedback?.Start(start);
        var lastUdpRtp = start;
        var tick = Clamp(Min(_options.MediaTimeout, _keepaliveInterval) / 4, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1));
        if (_udp is not null)
        {
            // Gaps in the UDP sequence are given up after ReorderMaxWait: look often enough to keep that promise.
            tick = Clamp(Min(tick, _options.ReorderMaxWait / 2), TimeSpan.FromMilliseconds(5), tick);
        }
        using var timer = _time.CreateTimer(static s => ((RtspPlaySession)s!).PostTick(), this, tick, tick);
        using var onCancel = ct.UnsafeRegister(static s => ((RtspPlaySession)s!).Post(PlaySessionCommand.Stop), this);
        using var onStop = _stop.Token.UnsafeRegister(static s => ((RtspPlaySession)s!).Post(PlaySessionCommand.Stop), this);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        try
        {
            while (true)
            {
                if (TakeCommands() || stopping.IsCancellationRequested)
                {
                    RtspLog.SessionStopped(_logger, _control.Url.ToString());
                    return;
                }
                await connection.ReadFramesAsync(dispatcher, CancellationToken.None);

                var now = _time.GetTimestamp();
                if (_udpMedia is not null)
                {
                    if (_udpMedia.Drain(sink, now))
                    {
                        lastUdpRtp = now;
                    }
                    _feedback!.SendReportsIfDue(now);
                }
                var lastRtp = Math.Max(dispatcher.LastRtp, lastUdpRtp);
                if (_time.GetElapsedTime(lastRtp, now) > _options.MediaTimeout)
                {
                    throw new RtspException(RtspErrorKind.NoMedia,
                        $"{_control.Url}: no RTP received for {_options.MediaTimeout.TotalSeconds:0.#} s");
                }
                await SendAsync(lastRtp, now, timeout => _control.AnswerServerRequestsAsync(timeout, stopping.Token));
                if (keepalive.IsDue(now))
                {
                    var request = _control.Build(keepalive.Method, _sessionUrl, null, out var cseq);
                    keepalive.Sent(cseq, now);
                    await SendAsync(lastRtp, now, timeout => connection.SendAsync(request, timeout, $"the keepalive {keepalive.Method}", stopping.Token));
                    RtspLog.KeepaliveSent(_logger, _control.Url.ToString(), keepalive.Method);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // a send cut short by the stop; the connection is broken, so no TEARDOWN follows
            RtspLog.SessionStopped(_logger, _control.Url.ToString());
        }
        catch (RtspException e)
        {
            RtspLog.SessionFailed(_logger, _control.Url.ToString(), e.Kind, e.Message);
            throw;
        }
    }

    /// <summary>Handles what was posted; true when the loop is to stop.</summary>
    private bool TakeCommands()
    {
        while (_inbox.Reader.TryRead(out var command))
        {
            switch (command.Kind)
            {
                case PlaySessionCommandKind.Stop:
                    return true;
                case PlaySessionCommandKind.RequestKeyframe:
                    _feedback?.RequestKeyframe(command.Track);
                    break;
                default:
                    Volatile.Write(ref _tickQueued, 0);
                    break;
            }
        }
        return false;
    }

    /// <summary>
    /// Runs a send of the loop. While it blocks nothing is read, so no RTP can count as media: the send may last
    /// until the media watchdog would fire, and never longer than the response timeout. A camera that stops
    /// reading and sends no media is reported as the watchdog would have.
    /// </summary>
    private async ValueTask SendAsync(long lastRtp, long now, Func<TimeSpan, ValueTask> send)
    {
        var untilWatchdog = _options.MediaTimeout - _time.GetElapsedTime(lastRtp, now);
        var timeout = Min(untilWatchdog, _options.ResponseTimeout);
        try
        {
            await send(timeout);
        }
        catch (RtspException e) when (e.Kind == RtspErrorKind.SendTimeout && untilWatchdog <= _options.ResponseTimeout)
        {
            throw new RtspException(RtspErrorKind.NoMedia,
                $"{_control.Url}: no RTP received for {_options.MediaTimeout.TotalSeconds:0.#} s, and {e.Message}", e);
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
        // The loop has ended: from here this thread is the only owner.
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
        if (_udp is not null)
        {
            await _udp.DisposeAsync();
            foreach (var r in _reception)
            {
                r.BeginUpdate();
                r.Reorder!.FlushAll();
                r.EndUpdate();
                while (r.Reorder.TryDequeue(out var left))
                {
                    ArrayPool<byte>.Shared.Return(left.Buffer);
                }
            }
        }
        _inbox.Writer.TryComplete();
        _stop.Dispose();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min ? min : value > max ? max : value;
}
