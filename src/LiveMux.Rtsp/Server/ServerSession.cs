using System.Net;
using System.Security.Cryptography;

namespace LiveMux.Rtsp.Server;

/// <summary>Where a UDP track's packets go: the client's own address, at the ports it gave in client_port.</summary>
internal sealed record UdpTarget(IPEndPoint Rtp, IPEndPoint Rtcp);

/// <summary>
/// One set-up track of a session: its interleaved channels (TCP) or its client's ports (UDP), its own sequence
/// numbering, and what its sender reports need. Only the connection's writer touches the counters.
/// </summary>
internal sealed class SessionTrack(int index, byte rtpChannel, byte rtcpChannel, string url, RtspTrack track, UdpTarget? udp)
{
    public int Index { get; } = index;
    public byte RtpChannel { get; } = rtpChannel;
    public byte RtcpChannel { get; } = rtcpChannel;

    /// <summary>The SETUP URL, echoed in RTP-Info.</summary>
    public string Url { get; } = url;

    public uint Ssrc { get; } = track.Ssrc;

    public int ClockRate { get; } = track.ClockRate;

    /// <summary>Null over TCP interleaved.</summary>
    public UdpTarget? Udp { get; } = udp;

    /// <summary>Sequence number of the next packet sent; written only by the connection's writer once playing.</summary>
    public ushort NextSequence;

    /// <summary>Sender report counters (RFC 3550 section 6.4.1): packets and payload octets sent, when the last report went.</summary>
    public uint PacketsSent;
    public uint OctetsSent;
    public long LastReportAt = -1;

    /// <summary>Touched only by the media's fan-out.</summary>
    public LiveFramePolicy Policy;
}

internal enum SessionState
{
    /// <summary>At least one track is set up (gortsplib's "pre-play").</summary>
    Ready,
    Playing,
}

/// <summary>
/// A play session (RFC 2326 section 3.6): the tracks it set up, over TCP interleaved on the connection that made it.
/// The connection's read loop owns its state; once playing, the media's fan-out hands it frames, which it queues or
/// skips by the live policy. The transport is the connection's <see cref="ServerSendQueue"/>; a UDP transport
/// (issue 8) would be another sink for the same decisions.
/// </summary>
internal sealed class ServerSession : IRtpFrameSubscriber
{
    private readonly SessionTrack?[] _tracks;
    private readonly ServerSendQueue _queue;
    private readonly int _maxSkippedGops;
    private readonly Action<string> _disconnect;
    private IDisposable? _subscription;
    private long _skipEpisodes;
    private int _disconnecting;

    public ServerSession(string path, IRtspMedia media, ServerSendQueue queue, int maxSkippedGops, Action<string> disconnect)
    {
        Id = RandomNumberGenerator.GetHexString(16, lowercase: true);
        Path = path;
        Media = media;
        _tracks = new SessionTrack?[media.Tracks.Count];
        _queue = queue;
        _maxSkippedGops = maxSkippedGops;
        _disconnect = disconnect;
    }

    public string Id { get; }

    /// <summary>The mount path, without slashes.</summary>
    public string Path { get; }

    public IRtspMedia Media { get; }

    public SessionState State { get; private set; } = SessionState.Ready;

    public IEnumerable<SessionTrack> SetUpTracks => _tracks.OfType<SessionTrack>();

    /// <summary>"udp" when its tracks go over UDP, else "tcp".</summary>
    public string Transport => SetUpTracks.Any(t => t.Udp is not null) ? "udp" : "tcp";

    public int SetUpCount => _tracks.Count(t => t is not null);

    /// <summary>Frames skipped (queue full) over all tracks.</summary>
    public long FramesSkipped => _tracks.Sum(t => t?.Policy.Skipped ?? 0);

    /// <summary>Times a track started skipping to its next keyframe.</summary>
    public long SkipEpisodes => Interlocked.Read(ref _skipEpisodes);

    public bool IsSetUp(int track) => _tracks[track] is not null;

    public bool ChannelsInUse(int rtp, int rtcp) =>
        SetUpTracks.Any(t => t.RtpChannel == rtp || t.RtpChannel == rtcp || t.RtcpChannel == rtp || t.RtcpChannel == rtcp);

    public void SetUp(SessionTrack track) => _tracks[track.Index] = track;

    /// <summary>Starts taking frames: the media's cached GOP, then live; a track without one begins at its next keyframe.</summary>
    public void Play()
    {
        State = SessionState.Playing;
        _subscription = Media.Subscribe(this);
    }

    public void Stop()
    {
        _subscription?.Dispose();
        _subscription = null;
    }

    public void OnEnded(string reason)
    {
        if (Interlocked.Exchange(ref _disconnecting, 1) == 0)
        {
            _disconnect(reason);
        }
    }

    public void OnFrame(int track, RtpFrame frame, bool cached)
    {
        if ((uint)track >= (uint)_tracks.Length || _tracks[track] is not { } t || Volatile.Read(ref _disconnecting) != 0)
        {
            return;
        }
        var before = t.Policy.SkippedGops;
        // The join burst is queued whole, whatever the queue's size (as the hub's GOP burst to a viewer): skipping
        // any of it would cost the new client its first picture. The media's GOP limit bounds it.
        switch (t.Policy.Decide(frame.IsKeyframe, queueFull: !cached && _queue.IsFull, _maxSkippedGops))
        {
            case LiveDecision.Send:
                _queue.EnqueueFrame(t, frame);
                break;
            case LiveDecision.Skip:
                if (t.Policy.SkippedGops > before)
                {
                    Interlocked.Increment(ref _skipEpisodes);
                }
                break;
            case LiveDecision.Disconnect:
                if (Interlocked.Exchange(ref _disconnecting, 1) == 0)
                {
                    _disconnect($"the client cannot keep up: frames were skipped in {t.Policy.SkippedGops} GOPs in a row");
                }
                break;
        }
    }
}
