using System.Globalization;
using System.Net;
using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Protocol;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// Publishing (RFC 2326 sections 10.3 ANNOUNCE and 10.11 RECORD): the publisher announces its SDP, sets its tracks
/// up with mode=record over TCP interleaved or UDP, and records; its packets go to the path's
/// <see cref="IRtspPublishTarget"/>. An announced track's URL is the announce URL plus the track's a=control (ffmpeg:
/// streamid=N, GStreamer: stream=N), or an absolute URL.
/// </summary>
internal sealed partial class ServerConnection
{
    /// <summary>More m= sections than any camera or encoder sends; an SDP with more is refused.</summary>
    private const int MaxAnnouncedTracks = 8;

    private readonly List<(IPEndPoint From, UdpRoute Route)> _udpRoutes = [];

    private Reply Announce(RtspServerRequest request)
    {
        if (!ServerRequestUrl.TryParse(request.Uri, out var path, out var track) || track is not null || path.Length == 0)
        {
            return new Reply(RtspStatus.BadRequest);
        }
        if (_publish is not null || _session is not null || _read is not null)
        {
            return new Reply(RtspStatus.MethodNotValidInThisState, Phrase: "this connection already has a session");
        }
        if (request.BodyDiscarded)
        {
            return new Reply(RtspStatus.RequestEntityTooLarge, Phrase: "the SDP is too large");
        }
        if (!string.Equals(request.Headers["Content-Type"]?.Split(';')[0].Trim(), "application/sdp", StringComparison.OrdinalIgnoreCase))
        {
            return new Reply(RtspStatus.UnsupportedMediaType, Phrase: "ANNOUNCE needs an application/sdp body");
        }
        if (!SessionDescription.TryParse(request.Body, out var sdp, out var sdpError))
        {
            return new Reply(RtspStatus.BadRequest, Phrase: "bad SDP: " + sdpError);
        }
        if (sdp.Tracks.Count is 0 or > MaxAnnouncedTracks)
        {
            return new Reply(RtspStatus.BadRequest, Phrase: $"the SDP must announce 1 to {MaxAnnouncedTracks} tracks");
        }
        if (_server.Paths is not { } paths)
        {
            return new Reply(RtspStatus.NotFound);
        }

        var access = paths.OpenPublish(new RtspAccessRequest(path, ReadCredentials(request, out var stale), RemoteIp));
        if (access.Value is not { } target)
        {
            return Refusal(access.Refusal, access.Reason, access.Challenge, stale);
        }
        var session = target.TryBegin(sdp.Tracks, new RtspPublisherInfo(_remote?.ToString() ?? ""), Close, out var refusal);
        if (session is null)
        {
            return new Reply(RtspStatus.ServiceUnavailable, Phrase: refusal ?? "the stream takes no publisher now");
        }
        Volatile.Write(ref _publish, new PublishState(path, request.Uri, sdp.Tracks, session));
        RtspServerLog.Announced(_logger, path, _remote, sdp.Tracks.Count);
        return WithSession(new Reply(RtspStatus.Ok));
    }

    private Reply SetupRecord(RtspServerRequest request)
    {
        var publish = _publish!;
        if (request.Headers["Session"] is not null && CheckSession(request, required: true) is { } error)
        {
            return error;
        }
        if (publish.Recording)
        {
            return new Reply(RtspStatus.MethodNotValidInThisState);
        }
        if (AnnouncedTrack(publish, request.Uri) is not { } index)
        {
            return new Reply(RtspStatus.NotFound, Phrase: "no announced track has this URL");
        }
        if (publish.IsSetUp(index))
        {
            return new Reply(RtspStatus.BadRequest, Phrase: "the track is already set up");
        }
        if (ChooseTransport(request, record: true) is not { } transport)
        {
            return new Reply(RtspStatus.UnsupportedTransport);
        }

        string answer;
        if (transport.IsTcp)
        {
            var (rtp, rtcp) = transport.RtpChannel is { } requested ? (requested, transport.RtcpChannel ?? requested + 1) : (2 * index, (2 * index) + 1);
            if (rtp > 255 || rtcp > 255 || rtp == rtcp || publish.ChannelsInUse(rtp, rtcp))
            {
                return new Reply(RtspStatus.BadRequest, Phrase: "interleaved channels taken or invalid");
            }
            publish.SetUpTcp(index, rtp, rtcp);
            answer = string.Create(CultureInfo.InvariantCulture, $"RTP/AVP/TCP;unicast;interleaved={rtp}-{rtcp};mode=record");
        }
        else
        {
            var (target, ports) = UdpTargetOf(transport);
            if (target is null || !RouteUdp(target.Rtp, index) || !RouteUdp(target.Rtcp, index))
            {
                return new Reply(RtspStatus.UnsupportedTransport, Phrase: "client ports taken or invalid");
            }
            publish.SetUpUdp(index, target.Rtp);
            answer = string.Create(CultureInfo.InvariantCulture,
                $"RTP/AVP;unicast;client_port={ports};server_port={_server.Udp!.RtpPort}-{_server.Udp.RtcpPort};mode=record");
        }
        return WithSession(new Reply(RtspStatus.Ok, [new("Transport", answer)]));
    }

    private (Reply, Action?) Record(RtspServerRequest request)
    {
        if (_publish is not { } publish || publish.SetUpCount == 0)
        {
            return (new Reply(RtspStatus.MethodNotValidInThisState), null);
        }
        if (CheckSession(request, required: true) is { } error)
        {
            return (error, null);
        }
        // Before the answer, unlike PLAY: a publisher may send its first packet the moment it reads the answer.
        publish.StartRecording();
        RtspServerLog.Recording(_logger, publish.Path, _remote, publish.Transport);
        return (WithSession(new Reply(RtspStatus.Ok)), null);
    }

    /// <summary>The announced track a SETUP URL names: the announce URL plus the track's control, or the control itself.</summary>
    private static int? AnnouncedTrack(PublishState publish, string uri)
    {
        var requested = PathOf(uri);
        var announced = PathOf(publish.AnnounceUri);
        for (var i = 0; i < publish.Tracks.Count; i++)
        {
            var control = publish.Tracks[i].Control;
            var url = control is null ? announced
                : control.Contains("://", StringComparison.Ordinal) ? PathOf(control)
                : announced + "/" + control.TrimStart('/');
            if (string.Equals(url, requested, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return publish.Tracks.Count == 1 && requested == announced ? 0 : null;
    }

    /// <summary>The path as the server reads request URLs, track suffix included (a control is not always trackID=).</summary>
    private static string PathOf(string uri) => ServerRequestUrl.TryGetPath(uri, out var path) ? path.Trim('/') : "";

    private void EndPublish(string reason)
    {
        if (Volatile.Read(ref _publish) is not { } publish)
        {
            return;
        }
        publish.End(reason);
        UnrouteAll();
    }

    private bool RouteUdp(IPEndPoint from, int track)
    {
        var route = new UdpRoute(this, track);
        if (_server.Udp is not { } udp || !udp.Route(from, route))
        {
            return false;
        }
        lock (_udpRoutes)
        {
            _udpRoutes.Add((from, route));
        }
        return true;
    }

    private void UnrouteAll()
    {
        lock (_udpRoutes)
        {
            foreach (var (endPoint, route) in _udpRoutes)
            {
                _server.Udp?.Unroute(endPoint, route);
            }
            _udpRoutes.Clear();
        }
    }

    /// <summary>Packets from one UDP source address of this connection's client, for one track.</summary>
    private sealed class UdpRoute(ServerConnection connection, int track) : IUdpReceiver
    {
        public void OnUdp(ReadOnlySpan<byte> packet, bool rtcp) => connection.OnUdp(track, packet, rtcp);
    }
}
