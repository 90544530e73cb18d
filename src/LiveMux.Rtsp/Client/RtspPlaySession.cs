using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using LiveMux.Media.Rtp;
using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Protocol;
using LiveMux.Rtsp.Rtp;
using Microsoft.Extensions.Logging;
using LiveMux.Rtsp.Transport;

namespace LiveMux.Rtsp.Client;

/// <summary>
/// A playing RTSP session: an actor whose one loop (<see cref="RunAsync"/>) owns the connection.
/// <code>
///   timer tick / cancellation --Wake()--> loop: ReadAsync -> while TryRead -> dispatch -> AdvanceTo
///                                               then: answer server requests, check media timeout, send keepalive
/// </code>
/// Nothing else touches the socket while the loop runs, so writes are serialized without a lock; the timer only
/// interrupts the pending read, and the loop decides what is due.
/// Over UDP the socket tasks queue datagrams and wake the loop the same way; the loop puts each track's packets
/// back in order (<see cref="RtpReorderBuffer"/>), counts loss and jitter, and sends RTCP receiver reports.
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
    private readonly UdpReceiver? _udp;
    private readonly TrackReception[] _reception;
    private readonly uint _ourSsrc = BinaryPrimitives.ReadUInt32BigEndian(RandomNumberGenerator.GetBytes(4));
    private readonly string _cname;
    private long _garbage;
    private long _reportsSent;
    private long _keyframeRequests;
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
        for (var i = 0; i < rtpChannels.Length && udp is null; i++)
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

    /// <summary>Tcp or Udp: how RTP really arrives (Auto has been resolved by now).</summary>
    public RtspTransport Transport { get; }

    /// <summary>Why Auto fell back from UDP to TCP; null when it did not.</summary>
    public string? FallbackReason { get; internal set; }

    /// <summary>A snapshot of the reception counters; callable from any thread at any time, also after the session ended.</summary>
    public RtspSessionStats GetStats() => new(
        Transport,
        FallbackReason,
        [.. _reception.Select(r => r.Snapshot())],
        Interlocked.Read(ref _garbage) + (_udp?.Garbage ?? 0),
        _udp?.Foreign ?? 0,
        _udp?.Overflows ?? 0,
        Interlocked.Read(ref _reportsSent),
        Interlocked.Read(ref _keyframeRequests));

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

    private async Task RunLoopAsync(IRtpSink sink, CancellationToken ct)
    {
        await Task.Yield();
        var connection = _control.Connection;
        var loop = new LoopState(this, sink, _time.GetTimestamp());
        var tick = Clamp(Min(_options.MediaTimeout, _keepaliveInterval) / 4, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1));
        if (_udp is not null)
        {
            // Gaps in the UDP sequence are given up after ReorderMaxWait: look often enough to keep that promise.
            tick = Clamp(Min(tick, _options.ReorderMaxWait / 2), TimeSpan.FromMilliseconds(5), tick);
        }
        var reportTicks = (long)(_options.ReceiverReportInterval.TotalSeconds * _time.TimestampFrequency);
        var nextReport = _time.GetTimestamp() + reportTicks;
        using var timer = _time.CreateTimer(static c => ((RtspConnection)c!).Wake(), connection, tick, tick);
        using var onCancel = ct.UnsafeRegister(static c => ((RtspConnection)c!).Wake(), connection);
        using var onStop = _stop.Token.UnsafeRegister(static c => ((RtspConnection)c!).Wake(), connection);
        var keepaliveTicks = (long)(_keepaliveInterval.TotalSeconds * _time.TimestampFrequency);
        var nextKeepalive = _time.GetTimestamp() + keepaliveTicks;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        try
        {
            while (true)
            {
                if (stopping.IsCancellationRequested)
                {
                    RtspLog.SessionStopped(_logger, _control.Url.ToString());
                    return;
                }
                await connection.ReadFramesAsync(loop, CancellationToken.None);

                var now = _time.GetTimestamp();
                if (_udp is not null)
                {
                    DrainUdp(sink, loop, now);
                    if (now >= nextReport)
                    {
                        SendReceiverReports(now);
                        nextReport = now + reportTicks;
                    }
                }
                if (_time.GetElapsedTime(loop.LastRtp, now) > _options.MediaTimeout)
                {
                    throw new RtspException(RtspErrorKind.NoMedia,
                        $"{_control.Url}: no RTP received for {_options.MediaTimeout.TotalSeconds:0.#} s");
                }
                await SendAsync(loop, now, timeout => _control.AnswerServerRequestsAsync(timeout, stopping.Token));
                if (now >= nextKeepalive)
                {
                    var request = _control.Build(_keepaliveMethod, _sessionUrl, null, out var cseq);
                    loop.KeepaliveCSeq = cseq;
                    await SendAsync(loop, now, timeout => connection.SendAsync(request, timeout, $"the keepalive {_keepaliveMethod}", stopping.Token));
                    RtspLog.KeepaliveSent(_logger, _control.Url.ToString(), _keepaliveMethod);
                    nextKeepalive = now + keepaliveTicks;
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

    /// <summary>
    /// Runs a send of the loop. While it blocks nothing is read, so no RTP can count as media: the send may last
    /// until the media watchdog would fire, and never longer than the response timeout. A camera that stops
    /// reading and sends no media is reported as the watchdog would have.
    /// </summary>
    private async ValueTask SendAsync(LoopState loop, long now, Func<TimeSpan, ValueTask> send)
    {
        var untilWatchdog = _options.MediaTimeout - _time.GetElapsedTime(loop.LastRtp, now);
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

    private void DrainUdp(IRtpSink sink, LoopState loop, long now)
    {
        var udp = _udp!;
        udp.ResetSignal();
        while (udp.TryRead(out var datagram))
        {
            var data = datagram.Buffer.AsSpan(0, datagram.Length);
            var reception = _reception[datagram.Track];
            if (datagram.IsRtcp)
            {
                try
                {
                    if (data.Length < 4 || data[0] >> 6 != 2)
                    {
                        Interlocked.Increment(ref _garbage);
                        continue;
                    }
                    if (RtcpSenderReport.TryFind(data, out var report))
                    {
                        lock (reception.Sync)
                        {
                            reception.LastSenderReportMiddle = RtcpReceiverReport.MiddleBits(report.NtpTimestamp);
                            reception.LastSenderReportAt = now;
                        }
                    }
                    sink.OnRtcpPacket(datagram.Track, data);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(datagram.Buffer);
                }
                continue;
            }
            if (!TryReadRtpHeader(data, out var seq, out var timestamp, out var ssrc))
            {
                Interlocked.Increment(ref _garbage);
                ArrayPool<byte>.Shared.Return(datagram.Buffer);
                continue;
            }
            loop.OnMedia(now);
            lock (reception.Sync)
            {
                reception.Stats.Update(ssrc, seq, timestamp, ArrivalClock(now, reception.ClockRate));
                reception.Reorder!.Push(seq, datagram.Buffer, datagram.Length, now);
            }
        }
        for (var i = 0; i < _reception.Length; i++)
        {
            var reorder = _reception[i].Reorder!;
            long skipped;
            lock (_reception[i].Sync)
            {
                reorder.Poll(now);
                skipped = reorder.Skipped;
            }
            if (skipped != _reception[i].SkipsSeen || _reception[i].KeyframeRequestPending)
            {
                _reception[i].SkipsSeen = skipped;
                RequestKeyframe(i, now);
            }
            while (reorder.TryDequeue(out var packet))
            {
                try
                {
                    sink.OnRtpPacket(i, packet.Buffer.AsSpan(0, packet.Length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(packet.Buffer);
                }
            }
        }
    }

    private void SendReceiverReports(long now)
    {
        for (var i = 0; i < _reception.Length; i++)
        {
            var r = _reception[i];
            RtcpReceiverReport.Block? block = null;
            lock (r.Sync)
            {
                if (r.Stats.Received > 0)
                {
                    var dlsr = r.LastSenderReportAt < 0 ? 0 : RtcpReceiverReport.ToDlsr(_time.GetElapsedTime(r.LastSenderReportAt, now));
                    block = new RtcpReceiverReport.Block(
                        r.Stats.Ssrc, r.Stats.TakeFractionLost(), (int)Math.Clamp(r.Stats.CumulativeLost, int.MinValue, int.MaxValue),
                        r.Stats.ExtendedHighestSequence, (uint)Math.Min(uint.MaxValue, r.Stats.Jitter),
                        r.LastSenderReportAt < 0 ? 0 : r.LastSenderReportMiddle, dlsr);
                }
            }
            if (_udp!.Send(i, true, RtcpReceiverReport.Encode(_ourSsrc, block, _cname)))
            {
                Interlocked.Increment(ref _reportsSent);
                RtspLog.ReceiverReportSent(_logger, _control.Url.ToString(), i);
            }
        }
    }

    /// <summary>
    /// The depacketizer drops a video track's frames from a loss to the next keyframe, which may be a whole GOP
    /// away (two when the keyframe itself lost a packet): a PLI brings it now from cameras that honour it.
    /// A loss inside the minimum interval (the requested keyframe itself may be the one hit) is asked for
    /// when the interval is over, not forgotten.
    /// </summary>
    private void RequestKeyframe(int track, long now)
    {
        var r = _reception[track];
        if (!_options.RequestKeyframeOnLoss || Tracks[track].MediaType != "video")
        {
            return;
        }
        if (r.LastKeyframeRequestAt >= 0 && _time.GetElapsedTime(r.LastKeyframeRequestAt, now) < _options.KeyframeRequestMinInterval)
        {
            r.KeyframeRequestPending = true;
            return;
        }
        r.KeyframeRequestPending = false;
        uint ssrc;
        lock (r.Sync)
        {
            if (r.Stats.Received == 0)
            {
                return;
            }
            ssrc = r.Stats.Ssrc;
        }
        r.LastKeyframeRequestAt = now;
        if (_udp!.Send(track, true, RtcpPictureLoss.Encode(_ourSsrc, ssrc, null, _cname)))
        {
            Interlocked.Increment(ref _keyframeRequests);
            RtspLog.KeyframeRequested(_logger, _control.Url.ToString(), track);
        }
    }

    private double ArrivalClock(long timestamp, int clockRate) => (double)timestamp / _time.TimestampFrequency * clockRate;

    private static bool TryReadRtpHeader(ReadOnlySpan<byte> data, out ushort seq, out uint timestamp, out uint ssrc)
    {
        if (data.Length < 12 || data[0] >> 6 != 2)
        {
            (seq, timestamp, ssrc) = (0, 0, 0);
            return false;
        }
        seq = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        timestamp = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        ssrc = BinaryPrimitives.ReadUInt32BigEndian(data[8..]);
        return true;
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
        if (_udp is not null)
        {
            await _udp.DisposeAsync();
            foreach (var r in _reception)
            {
                lock (r.Sync)
                {
                    r.Reorder!.FlushAll();
                }
                while (r.Reorder!.TryDequeue(out var left))
                {
                    ArrayPool<byte>.Shared.Return(left.Buffer);
                }
            }
        }
        _stop.Dispose();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min ? min : value > max ? max : value;

    /// <summary>Per-frame dispatch, run inside the loop's read; it only records, the loop acts.</summary>
    private sealed class LoopState(RtspPlaySession session, IRtpSink sink, long start) : IRtspFrameHandler
    {
        public long LastRtp { get; private set; } = start;

        public void OnMedia(long now) => LastRtp = now;
        public int KeepaliveCSeq { get; set; } = -1;

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
                        if (TryReadRtpHeader(data, out var seq, out var timestamp, out var ssrc))
                        {
                            var reception = session._reception[track];
                            lock (reception.Sync)
                            {
                                reception.Stats.Update(ssrc, seq, timestamp, session.ArrivalClock(LastRtp, reception.ClockRate));
                            }
                        }
                        sink.OnRtpPacket(track, data);
                    }
                    else
                    {
                        sink.OnRtcpPacket(rtcpTrack, data);
                    }
                    return false;
                case RtspFrameKind.Request:
                    // A full inbox stops the read so the loop answers before reading more.
                    return session._control.Inbox.Hold(frame);
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
