using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Auth;
using LiveMux.Rtsp.Protocol;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// The RTSP methods (RFC 2326 section 10; states as in gortsplib's ServerSession):
/// <code>
///   read:    DESCRIBE --SETUP--> Ready --SETUP (more tracks)--> Ready --PLAY--> Playing --TEARDOWN--> closed
///   publish: ANNOUNCE --SETUP mode=record--> Ready --RECORD--> Recording --TEARDOWN--> closed
///   OPTIONS and GET_PARAMETER in any state; a keepalive is any request, interleaved frame or UDP packet
/// </code>
/// A path is opened once per connection (<see cref="IRtspPaths"/>: auth, and starting an idle stream), at DESCRIBE,
/// ANNOUNCE, or a SETUP that comes without either.
/// Errors: 400 bad or missing CSeq, bad URL or SDP, track set up twice or channels taken; 401 and 403 from auth;
/// 404 unknown path or track; 413 request too large; 415 ANNOUNCE without SDP; 454 a Session this connection does
/// not hold; 455 PLAY or RECORD before SETUP, SETUP while playing, a second path on one connection; 459 SETUP of the
/// aggregate URL of a multi-track media; 460 PLAY of one track of several; 461 no usable unicast transport offered
/// (UDP only when the server has a UDP port pair); 501 any other method; 503 beyond the connection limit, or a path
/// that cannot be served now (the reason phrase says why).
/// </summary>
internal sealed partial class ServerConnection
{
    private const string ReadMethods = "OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN";
    private const string AllMethods = "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, GET_PARAMETER, TEARDOWN";
    private const string Realm = "LiveMux";

    /// <summary>Answers one request; false closes the connection once the answer is sent.</summary>
    private async ValueTask<bool> HandleAsync(RtspServerRequest request)
    {
        var keepOpen = !_reject;
        // Publishing needs paths to publish to: a server of fixed mounts only reads.
        var publicMethods = _server.Paths is null ? ReadMethods : AllMethods;
        Action? afterAnswer = null;
        var cseq = request.CSeq;
        Reply reply;
        if (cseq < 0)
        {
            reply = new Reply(RtspStatus.BadRequest);
        }
        else if (_reject)
        {
            reply = new Reply(RtspStatus.ServiceUnavailable, [new("Connection", "close")]);
        }
        else
        {
            switch (request.Method)
            {
                case "OPTIONS":
                case "GET_PARAMETER":
                    reply = CheckSession(request, required: false) ?? WithSession(new Reply(RtspStatus.Ok, [new("Public", publicMethods)]));
                    break;
                case "DESCRIBE":
                    reply = await DescribeAsync(request).ConfigureAwait(false);
                    break;
                case "ANNOUNCE" when _server.Paths is not null:
                    reply = Announce(request);
                    break;
                case "SETUP":
                    reply = _publish is not null ? SetupRecord(request) : await SetupAsync(request).ConfigureAwait(false);
                    break;
                case "PLAY":
                    (reply, afterAnswer) = Play(request);
                    break;
                case "RECORD" when _server.Paths is not null:
                    (reply, afterAnswer) = Record(request);
                    break;
                case "TEARDOWN":
                    reply = Teardown(request, ref keepOpen);
                    break;
                default:
                    reply = new Reply(RtspStatus.NotImplemented, [new("Public", publicMethods)]);
                    break;
            }
        }

        RtspServerLog.RequestHandled(_logger, request.Method, RtspMessageReader.Printable(request.Uri), _remote, reply.Status);
        if (!_queue.TryEnqueueResponse(RtspResponseWriter.Write(reply.Status, cseq < 0 ? null : cseq, reply.Headers, reply.Body, reply.Phrase)))
        {
            Close("the client sends requests but reads no answers");
            return false;
        }
        afterAnswer?.Invoke(); // after the answer is queued, so PLAY's answer goes before the first packet
        return keepOpen;
    }

    private async ValueTask<Reply> DescribeAsync(RtspServerRequest request)
    {
        if (!ServerRequestUrl.TryParse(request.Uri, out var path, out var track) || track is not null)
        {
            return new Reply(track is null ? RtspStatus.BadRequest : RtspStatus.NotFound);
        }
        var (media, refused) = await OpenReadAsync(request, path).ConfigureAwait(false);
        if (media is null)
        {
            return refused!.Value;
        }
        var sdp = SessionDescriptionWriter.Write("LiveMux", (ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue), "127.0.0.1",
            [.. media.Tracks.Select(t => t.Sdp)]);
        var baseUrl = request.Uri.TrimEnd('/') + "/";
        return new Reply(RtspStatus.Ok, [new("Content-Base", baseUrl), new("Content-Type", "application/sdp")], sdp);
    }

    /// <summary>The media at <paramref name="path"/>, opened once per connection: a fixed mount, or the server's paths (auth, start).</summary>
    private async ValueTask<(IRtspMedia? Media, Reply? Refused)> OpenReadAsync(RtspServerRequest request, string path)
    {
        if (_read is { } open)
        {
            if (open.Path == path)
            {
                return (open.Media, null);
            }
            if (_session is not null)
            {
                return (null, new Reply(RtspStatus.MethodNotValidInThisState, Phrase: "one path per connection"));
            }
            ReleaseRead();
        }
        if (_publish is not null)
        {
            return (null, new Reply(RtspStatus.MethodNotValidInThisState, Phrase: "this connection publishes"));
        }
        if (_server.TryGetMedia(path, out var mounted))
        {
            _read = new OpenPath(path, mounted, null);
            return (mounted, null);
        }
        if (_server.Paths is not { } paths)
        {
            return (null, new Reply(RtspStatus.NotFound));
        }

        var credentials = ReadCredentials(request, out var stale);
        RtspAccess<IRtspMedia> access;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_life.Token))
        {
            timeout.CancelAfter(_options.OpenTimeout);
            try
            {
                access = await paths.OpenReadAsync(new RtspAccessRequest(path, credentials, RemoteIp), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_life.IsCancellationRequested)
            {
                return (null, new Reply(RtspStatus.ServiceUnavailable, Phrase: "the stream did not start in time"));
            }
        }
        if (access.Value is not { } media)
        {
            return (null, Refusal(access.Refusal, access.Reason, access.Challenge, stale));
        }
        _read = new OpenPath(path, media, access.Lease);
        return (media, null);
    }

    private async ValueTask<Reply> SetupAsync(RtspServerRequest request)
    {
        if (!ServerRequestUrl.TryParse(request.Uri, out var path, out var trackId))
        {
            return new Reply(RtspStatus.BadRequest);
        }
        if (request.Headers["Session"] is not null && CheckSession(request, required: true) is { } error)
        {
            return error;
        }
        if (_session is not null && _session.Path != path)
        {
            return new Reply(RtspStatus.NotFound);
        }
        var (media, refused) = await OpenReadAsync(request, path).ConfigureAwait(false);
        if (media is null)
        {
            return refused!.Value;
        }
        if (trackId is null && media.Tracks.Count > 1)
        {
            return new Reply(RtspStatus.AggregateOperationNotAllowed);
        }
        var index = trackId ?? 0;
        if (index >= media.Tracks.Count)
        {
            return new Reply(RtspStatus.NotFound);
        }
        if (_session is { State: SessionState.Playing })
        {
            return new Reply(RtspStatus.MethodNotValidInThisState);
        }
        if (_session is not null && _session.IsSetUp(index))
        {
            return new Reply(RtspStatus.BadRequest);
        }

        if (ChooseTransport(request, record: false) is not { } transport)
        {
            return new Reply(RtspStatus.UnsupportedTransport);
        }

        SessionTrack track;
        string answer;
        if (transport.IsTcp)
        {
            var (rtp, rtcp) = transport.RtpChannel is { } requested ? (requested, transport.RtcpChannel ?? requested + 1) : (2 * index, (2 * index) + 1);
            if (rtp > 255 || rtcp > 255 || rtp == rtcp || (_session?.ChannelsInUse(rtp, rtcp) ?? false))
            {
                return new Reply(RtspStatus.BadRequest);
            }
            track = new SessionTrack(index, (byte)rtp, (byte)rtcp, request.Uri, media.Tracks[index], null);
            answer = string.Create(CultureInfo.InvariantCulture, $"RTP/AVP/TCP;unicast;interleaved={rtp}-{rtcp};ssrc={track.Ssrc:X8};mode=play");
        }
        else
        {
            var (target, ports) = UdpTargetOf(transport);
            if (target is null)
            {
                return new Reply(RtspStatus.UnsupportedTransport);
            }
            track = new SessionTrack(index, 0, 0, request.Uri, media.Tracks[index], target);
            RouteUdp(target.Rtcp, index);
            answer = string.Create(CultureInfo.InvariantCulture, $"RTP/AVP;unicast;client_port={ports};server_port={_server.Udp!.RtpPort}-{_server.Udp.RtcpPort};ssrc={track.Ssrc:X8};mode=play");
        }

        if (_session is null)
        {
            Volatile.Write(ref _session, new ServerSession(path, media, _queue, _options.MaxSkippedGops, Close));
            _server.SessionOpened();
        }
        _session!.SetUp(track);
        return WithSession(new Reply(RtspStatus.Ok, [new("Transport", answer)]));
    }

    private (Reply, Action?) Play(RtspServerRequest request)
    {
        if (!ServerRequestUrl.TryParse(request.Uri, out var path, out var trackId))
        {
            return (new Reply(RtspStatus.BadRequest), null);
        }
        if (_session is null)
        {
            return (new Reply(request.Headers["Session"] is null ? RtspStatus.MethodNotValidInThisState : RtspStatus.SessionNotFound), null);
        }
        if (CheckSession(request, required: true) is { } error)
        {
            return (error, null);
        }
        var session = _session;
        if (path != session.Path)
        {
            return (new Reply(RtspStatus.NotFound), null);
        }
        if (trackId is not null && session.SetUpCount > 1)
        {
            return (new Reply(RtspStatus.OnlyAggregateOperationAllowed), null);
        }
        var reply = WithSession(new Reply(RtspStatus.Ok, [new("Range", "npt=0.000-")]));
        if (session.State == SessionState.Playing)
        {
            return (reply, null); // already playing: nothing to restart
        }

        // RTP-Info (RFC 2326 12.33): each track's first sequence number and the timestamp of its first frame, the
        // cached keyframe's (a keyframe arriving between this answer and the subscription starts the session later).
        var entries = new List<string>();
        foreach (var track in session.SetUpTracks)
        {
            track.NextSequence = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
            var entry = string.Create(CultureInfo.InvariantCulture, $"url={track.Url};seq={track.NextSequence}");
            if (session.Media.StartTimestamp(track.Index) is { } rtptime)
            {
                entry += string.Create(CultureInfo.InvariantCulture, $";rtptime={rtptime}");
            }
            entries.Add(entry);
        }
        return (reply with { Headers = [.. reply.Headers, new("RTP-Info", string.Join(',', entries))] }, () =>
        {
            session.Play();
            RtspServerLog.Playing(_logger, session.Id, session.Path, _remote, session.Transport);
        });
    }

    private Reply Teardown(RtspServerRequest request, ref bool keepOpen)
    {
        if ((_session is null && _publish is null) || CheckSession(request, required: true) is not null)
        {
            return new Reply(RtspStatus.SessionNotFound);
        }
        EndSession();
        EndPublish("the publisher tore the session down");
        keepOpen = false;
        return new Reply(RtspStatus.Ok, [new("Connection", "close")]);
    }

    /// <summary>The first unicast alternative of the request's Transport header the server can do, in the client's order.</summary>
    private TransportHeader? ChooseTransport(RtspServerRequest request, bool record)
    {
        if (request.Headers["Transport"] is not { } header || header.Length > 1024)
        {
            return null;
        }
        foreach (var t in TransportHeader.ParseAlternatives(header).Take(8))
        {
            if (t.IsMulticast || !t.Profile.StartsWith("RTP/AVP", StringComparison.OrdinalIgnoreCase) || (t.IsRecord && !record))
            {
                continue;
            }
            if (t.IsTcp || (_server.Udp is not null && t.ClientRtpPort is > 0 and < 65535))
            {
                return t;
            }
        }
        return null;
    }

    /// <summary>A UDP client's own address at the ports it gave: never another address, so no one can aim the server at a third party.</summary>
    private (UdpTarget? Target, string Ports) UdpTargetOf(TransportHeader transport)
    {
        if (RemoteIp?.Address is not { } address || transport.ClientRtpPort is not { } rtp)
        {
            return (null, "");
        }
        var rtcp = transport.ClientRtcpPort ?? rtp + 1;
        if (rtcp is < 1 or > 65535 || rtcp == rtp)
        {
            return (null, "");
        }
        return (new UdpTarget(new IPEndPoint(address, rtp), new IPEndPoint(address, rtcp)),
            string.Create(CultureInfo.InvariantCulture, $"{rtp}-{rtcp}"));
    }

    /// <summary>454 when the request names a session this connection does not hold (or none, if required).</summary>
    private Reply? CheckSession(RtspServerRequest request, bool required)
    {
        if (!SessionHeader.TryParse(request.Headers["Session"], out var header))
        {
            return required ? new Reply(RtspStatus.SessionNotFound) : null;
        }
        return header.Id == SessionId ? null : new Reply(RtspStatus.SessionNotFound);
    }

    private string? SessionId => _session?.Id ?? _publish?.Id;

    private Reply WithSession(Reply reply) =>
        SessionId is not { } id
            ? reply
            : reply with
            {
                Headers = [.. reply.Headers, new("Session",
                    string.Create(CultureInfo.InvariantCulture, $"{id};timeout={(int)_options.SessionTimeout.TotalSeconds}"))],
            };

    private RtspCredentials? ReadCredentials(RtspServerRequest request, out bool stale) =>
        RtspCredentials.TryRead(request.Headers["Authorization"], request.Method, Realm, _server.Nonces, out stale);

    private Reply Refusal(RtspRefusal refusal, string reason, RtspChallenge challenge, bool stale)
    {
        if (refusal != RtspRefusal.Unauthorized)
        {
            var status = refusal switch
            {
                RtspRefusal.Forbidden => RtspStatus.Forbidden,
                RtspRefusal.NotFound => RtspStatus.NotFound,
                _ => RtspStatus.ServiceUnavailable,
            };
            return new Reply(status, Phrase: reason);
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (challenge == RtspChallenge.BasicAndDigest)
        {
            headers.Add(new("WWW-Authenticate",
                $"Digest realm=\"{Realm}\", nonce=\"{_server.Nonces.Create()}\", algorithm=MD5{(stale ? ", stale=TRUE" : "")}"));
        }
        headers.Add(new("WWW-Authenticate", $"Basic realm=\"{Realm}\""));
        return new Reply(RtspStatus.Unauthorized, headers, Phrase: reason);
    }

    private IPEndPoint? RemoteIp => _remote is IPEndPoint ip ? ServerUdp.Normalize(ip) : null;

    private void EndSession()
    {
        if (_session is { } session && Interlocked.Exchange(ref _sessionEnded, 1) == 0)
        {
            session.Stop();
            _server.SessionClosed();
            UnrouteAll();
        }
    }

    private void ReleaseRead()
    {
        var lease = _read?.Lease;
        _read = null;
        lease?.Dispose();
    }

    private int _sessionEnded;

    /// <summary>A path this connection opened for reading, and the lease that keeps it (its stream) alive.</summary>
    private sealed record OpenPath(string Path, IRtspMedia Media, IDisposable? Lease);

    private readonly record struct Reply(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Body = null, string? Phrase = null)
    {
        public Reply(int status, string? Phrase = null)
            : this(status, [], null, Phrase)
        {
        }
    }
}
