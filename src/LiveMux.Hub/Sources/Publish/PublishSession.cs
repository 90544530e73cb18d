using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Client;
using LiveMux.Rtsp.Rtp;
using LiveMux.Rtsp.Server;

namespace LiveMux.Hub.Sources.Publish;

/// <summary>
/// One publisher, from ANNOUNCE to its end: its RTP turned into samples on the publisher connection's own thread
/// (parse, count, UDP reorder, depacketize: <see cref="RtpInbound"/> and <see cref="RtpPacketRouter"/>, as a
/// camera's), handed to the stream's sink once a run has taken it.
/// <code>
///   announced ---OnRecord---> recording ---TryAttach(sink)---> attached: OnRtp -> samples
///        \___________________________\__________ End / Disconnect / Detach ---> over (nothing more reaches the sink)
/// </code>
/// One lock serializes the publisher's calls with the run's (attach, media timeout, detach); no call waits on I/O.
/// Garbage never throws: it is counted as a drop, and the stream goes on.
/// </summary>
internal sealed class PublishSession : IRtspPublishSession, IDisposable
{
    private readonly PublishPoint _point;
    private readonly IReadOnlyList<PublishedTrack> _tracks;
    private readonly int[] _slotOf;
    private readonly Action<string> _disconnect;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<string> _over = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PublisherInfo _info;
    private RtpInbound? _inbound;
    private ISampleSink? _sink;
    private IDepacketizer[] _depacketizers = [];
    private RtpPacketRouter? _router;
    private Func<ReceptionStats>? _stats;
    private long _lastMedia;
    private bool _attached;
    private bool _ended;
    private int _disconnected;

    public PublishSession(PublishPoint point, IReadOnlyList<PublishedTrack> tracks, PublisherInfo info, Action<string> disconnect)
    {
        _point = point;
        _tracks = tracks;
        _info = info;
        _disconnect = disconnect;
        _slotOf = new int[tracks.Count == 0 ? 0 : tracks.Max(t => t.Announced) + 1];
        Array.Fill(_slotOf, -1);
        for (var i = 0; i < tracks.Count; i++)
        {
            _slotOf[tracks[i].Announced] = i;
        }
    }

    public PublisherInfo Info => Volatile.Read(ref _info);

    /// <summary>Completes with the reason when the session is over for the hub.</summary>
    public Task<string> Over => _over.Task;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last RTP packet, or of the attach.</summary>
    public long LastMedia => Interlocked.Read(ref _lastMedia);

    public void OnRecord(string transport)
    {
        lock (_gate)
        {
            if (_ended || _inbound is not null)
            {
                return;
            }

            var udp = string.Equals(transport, "udp", StringComparison.OrdinalIgnoreCase);
            _inbound = new RtpInbound([.. _tracks.Select(t => t.Format.ClockRate)], reorder: udp, _point.Time);
            Volatile.Write(ref _info, _info with { Transport = udp ? "udp" : "tcp" });
            var reception = udp ? RtspTransport.Udp : RtspTransport.Tcp;
            var inbound = _inbound;
            _stats = () => RtspFailure.ToReception(new RtspSessionStats(reception, null, inbound.Snapshot(), 0, 0, 0, 0));
        }

        PublishLog.Recording(_point.Logger, _point.Stream, Info.Address, Info.Transport!);
        _point.OnRecorded(this);
    }

    /// <summary>Hands the session to a run's sink: formats and configs now, samples from the next packet. False when it cannot be taken.</summary>
    public bool TryAttach(ISampleSink sink)
    {
        lock (_gate)
        {
            if (_ended || _attached || _inbound is null)
            {
                return false;
            }

            _attached = true;
            _sink = sink;
            Interlocked.Exchange(ref _lastMedia, _point.Time.GetTimestamp());
            _depacketizers = [.. _tracks.Select(t => t.Format.CreateDepacketizer())];
            _router = new RtpPacketRouter([.. _tracks.Select(t => t.Track)], _depacketizers, sink);
            sink.OnReceptionStats(_stats!);
            sink.OnSessionStarted(_tracks.Count);
            for (var i = 0; i < _tracks.Count; i++)
            {
                sink.OnTrackFormat(i, _tracks[i].Format);

                // Audio configs come from the SDP: the init segment need not wait for the first audio frame.
                if (_depacketizers[i].Config is { } config)
                {
                    sink.OnTrackConfig(i, config);
                }
            }

            return true;
        }
    }

    public void OnRtp(int track, ReadOnlySpan<byte> packet)
    {
        lock (_gate)
        {
            if (_router is not { } router)
            {
                return;
            }

            try
            {
                if ((uint)track >= (uint)_slotOf.Length || _slotOf[track] < 0)
                {
                    // A track the hub does not carry: counted as received bytes, nothing more.
                    _sink!.OnPacket(packet.Length);
                    return;
                }

                if (packet.Length >= 12 && packet[0] >> 6 == 2)
                {
                    Interlocked.Exchange(ref _lastMedia, _point.Time.GetTimestamp());
                }

                _inbound!.OnRtp(_slotOf[track], packet, router);
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }
    }

    public void OnRtcp(int track, ReadOnlySpan<byte> packet)
    {
        lock (_gate)
        {
            if (_router is { } router && (uint)track < (uint)_slotOf.Length && _slotOf[track] >= 0)
            {
                try
                {
                    RtpInbound.OnRtcp(_slotOf[track], packet, router);
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            }
        }
    }

    public void End(string reason)
    {
        if (!Volatile.Read(ref _ended))
        {
            PublishLog.Left(_point.Logger, _point.Stream, Info.Address, reason);
        }

        Detach(reason);
    }

    /// <summary>Closes the publisher's connection with <paramref name="reason"/> (a media timeout, the stream stopping), once, and ends the session.</summary>
    public void Disconnect(string reason)
    {
        if (Interlocked.Exchange(ref _disconnected, 1) == 0)
        {
            PublishLog.Disconnected(_point.Logger, _point.Stream, Info.Address, reason);
            Detach(reason);
            _disconnect(reason);
        }
    }

    /// <summary>
    /// Ends the session for the hub: what the reorder buffer holds goes out, the depacketizers go, the reception
    /// counters outlive it, and the point takes a new publisher. Idempotent.
    /// </summary>
    public void Detach(string reason)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            try
            {
                if (_router is { } router)
                {
                    _inbound!.Flush(router);
                }
            }
            finally
            {
                _inbound?.Dispose();
                foreach (var d in _depacketizers)
                {
                    d.Dispose();
                }

                _router = null;
                if (_sink is { } sink && _stats is { } stats)
                {
                    sink.OnReceptionEnded(stats, stats());
                }

                _sink = null;
            }
        }

        _point.Release(this);
        _over.TrySetResult(reason);
    }

    /// <summary>As <see cref="Detach"/>: what the session holds goes back to the pool.</summary>
    public void Dispose() => Detach("disposed");

    private void Fail(Exception e)
    {
        // A bug, not the publisher's garbage (that is counted, never thrown): the session ends, the stream waits again.
        PublishLog.MediaCrashed(_point.Logger, _point.Stream, e);
        _router = null;
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Disconnect(SourceFailure.Internal), this, preferLocal: false);
    }
}
