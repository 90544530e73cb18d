using System.Net;
using System.Security.Cryptography;
using LiveMux.Media.Sdp;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// A publisher's session on one connection: the tracks it announced, which of them it set up and over what
/// (interleaved channels, or UDP ports of its own address), and its target's session. Packets come from the
/// connection's read loop (TCP) or the server's two UDP loops, so every call into the target is under one lock:
/// the target sees calls that never overlap, and none after <see cref="End"/>.
/// </summary>
internal sealed class PublishState(string path, string announceUri, IReadOnlyList<MediaTrack> tracks, IRtspPublishSession target)
{
    private readonly Lock _gate = new();
    private readonly (int Rtp, int Rtcp)?[] _channels = new (int, int)?[tracks.Count];
    private readonly IPEndPoint?[] _udp = new IPEndPoint?[tracks.Count];
    private bool _ended;

    public string Id { get; } = RandomNumberGenerator.GetHexString(16, lowercase: true);

    public string Path { get; } = path;

    public string AnnounceUri { get; } = announceUri;

    public IReadOnlyList<MediaTrack> Tracks { get; } = tracks;

    public bool Recording { get; private set; }

    public string Transport => _udp.Any(u => u is not null) ? "udp" : "tcp";

    public int SetUpCount => _channels.Count(c => c is not null) + _udp.Count(u => u is not null);

    public bool IsSetUp(int track) => _channels[track] is not null || _udp[track] is not null;

    public bool ChannelsInUse(int rtp, int rtcp) =>
        _channels.Any(c => c is { } used && (used.Rtp == rtp || used.Rtp == rtcp || used.Rtcp == rtp || used.Rtcp == rtcp));

    public void SetUpTcp(int track, int rtp, int rtcp) => _channels[track] = (rtp, rtcp);

    public void SetUpUdp(int track, IPEndPoint rtp) => _udp[track] = rtp;

    public bool TryFindChannel(byte channel, out int track, out bool rtcp)
    {
        for (var i = 0; i < _channels.Length; i++)
        {
            if (_channels[i] is { } c && (c.Rtp == channel || c.Rtcp == channel))
            {
                (track, rtcp) = (i, c.Rtcp == channel);
                return true;
            }
        }
        (track, rtcp) = (-1, false);
        return false;
    }

    public void StartRecording()
    {
        lock (_gate)
        {
            if (_ended || Recording)
            {
                return;
            }
            Recording = true;
            target.OnRecord(Transport);
        }
    }

    /// <summary>A packet of a set-up track; dropped before RECORD and after the end.</summary>
    public void Deliver(int track, ReadOnlySpan<byte> packet, bool rtcp)
    {
        lock (_gate)
        {
            if (_ended || !Recording || (uint)track >= (uint)Tracks.Count || !IsSetUp(track))
            {
                return;
            }
            if (rtcp)
            {
                target.OnRtcp(track, packet);
            }
            else
            {
                target.OnRtp(track, packet);
            }
        }
    }

    public void End(string reason)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }
            _ended = true;
            target.End(reason);
        }
    }
}
