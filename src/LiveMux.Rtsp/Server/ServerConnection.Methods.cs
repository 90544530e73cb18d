using System.Globalization;
using System.Security.Cryptography;
using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Protocol;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// The RTSP methods of a play session (RFC 2326 section 10; states as in gortsplib's ServerSession):
/// <code>
///   no session --SETUP--> Ready --SETUP (more tracks)--> Ready --PLAY--> Playing --TEARDOWN--> closed
///   OPTIONS, DESCRIBE and GET_PARAMETER in any state; a keepalive is any request or RTCP
/// </code>
/// Errors: 400 bad or missing CSeq, bad URL, track set up twice or channels taken; 404 unknown path or track;
/// 454 a Session this connection does not hold; 455 PLAY before SETUP, SETUP while playing; 459 SETUP of the
/// aggregate URL of a multi-track media; 460 PLAY of one track of several; 461 no RTP/AVP/TCP unicast play
/// transport offered; 501 any other method; 503 beyond the connection limit.
/// </summary>
internal sealed partial class ServerConnection
{
    private const string PublicMethods = "OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN";

    /// <summary>Answers one request; false closes the connection once the answer is sent.</summary>
    private bool Handle(RtspServerRequest request)
    {
        var keepOpen = !_reject;
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
            reply = request.Method switch
            {
                "OPTIONS" => CheckSession(request, required: false) ?? WithSession(new Reply(RtspStatus.Ok, [new("Public", PublicMethods)])),
                "DESCRIBE" => Describe(request),
                "SETUP" => Setup(request),
                "PLAY" => Play(request, out afterAnswer),
                "GET_PARAMETER" => CheckSession(request, required: false) ?? WithSession(new Reply(RtspStatus.Ok)),
                "TEARDOWN" => Teardown(request, ref keepOpen),
                _ => new Reply(RtspStatus.NotImplemented, [new("Public", PublicMethods)]),
            };
        }

        RtspServerLog.RequestHandled(_logger, request.Method, RtspMessageReader.Printable(request.Uri), _remote, reply.Status);
        if (!_queue.TryEnqueueResponse(RtspResponseWriter.Write(reply.Status, cseq < 0 ? null : cseq, reply.Headers, reply.Body)))
        {
            Close("the client sends requests but reads no answers");
            return false;
        }
        afterAnswer?.Invoke(); // after the answer is queued, so PLAY's answer goes before the first packet
        return keepOpen;
    }

    private Reply Describe(RtspServerRequest request)
    {
        if (!ServerRequestUrl.TryParse(request.Uri, out var path, out var track) || track is not null)
        {
            return new Reply(track is null ? RtspStatus.BadRequest : RtspStatus.NotFound);
        }
        if (!_server.TryGetMedia(path, out var media))
        {
            return new Reply(RtspStatus.NotFound);
        }
        var sdp = SessionDescriptionWriter.Write("LiveMux", (ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue), "127.0.0.1",
            [.. media.Tracks.Select(t => t.Sdp)]);
        var baseUrl = request.Uri.TrimEnd('/') + "/";
        return new Reply(RtspStatus.Ok, [new("Content-Base", baseUrl), new("Content-Type", "application/sdp")], sdp);
    }

    private Reply Setup(RtspServerRequest request)
    {
        if (!ServerRequestUrl.TryParse(request.Uri, out var path, out var trackId))
        {
            return new Reply(RtspStatus.BadRequest);
        }
        if (request.Headers["Session"] is not null && CheckSession(request, required: true) is { } error)
        {
            return error;
        }
        if (!_server.TryGetMedia(path, out var media) || (_session is not null && _session.Path != path))
        {
            return new Reply(RtspStatus.NotFound);
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

        // The first RTP/AVP/TCP unicast play alternative wins; UDP comes with issue 8.
        var transport = request.Headers["Transport"] is { } header
            ? TransportHeader.ParseAlternatives(header).Select(t => (TransportHeader?)t)
                .FirstOrDefault(t => t!.Value.IsTcp && !t.Value.IsMulticast && !t.Value.IsRecord
                    && t.Value.Profile.StartsWith("RTP/AVP", StringComparison.OrdinalIgnoreCase))
            : null;
        if (transport is not { } tcp)
        {
            return new Reply(RtspStatus.UnsupportedTransport);
        }
        int rtp, rtcp;
        if (tcp.RtpChannel is { } requested)
        {
            (rtp, rtcp) = (requested, tcp.RtcpChannel ?? requested + 1);
        }
        else
        {
            rtp = 2 * index; // gortsplib's default pairs
            rtcp = rtp + 1;
        }
        if (rtp > 255 || rtcp > 255 || rtp == rtcp || (_session?.ChannelsInUse(rtp, rtcp) ?? false))
        {
            return new Reply(RtspStatus.BadRequest);
        }

        if (_session is null)
        {
            _session = new ServerSession(path, media, _queue, _options.MaxSkippedGops, Close);
            _server.SessionOpened();
        }
        _session.SetUp(new SessionTrack(index, (byte)rtp, (byte)rtcp, request.Uri));
        var ssrc = media.Tracks[index].Ssrc;
        return WithSession(new Reply(RtspStatus.Ok,
            [new("Transport", string.Create(CultureInfo.InvariantCulture, $"RTP/AVP/TCP;unicast;interleaved={rtp}-{rtcp};ssrc={ssrc:X8};mode=play"))]));
    }

    private Reply Play(RtspServerRequest request, out Action? afterAnswer)
    {
        afterAnswer = null;
        if (!ServerRequestUrl.TryParse(request.Uri, out var path, out var trackId))
        {
            return new Reply(RtspStatus.BadRequest);
        }
        if (_session is null)
        {
            return new Reply(request.Headers["Session"] is null ? RtspStatus.MethodNotValidInThisState : RtspStatus.SessionNotFound);
        }
        if (CheckSession(request, required: true) is { } error)
        {
            return error;
        }
        var session = _session;
        if (path != session.Path)
        {
            return new Reply(RtspStatus.NotFound);
        }
        if (trackId is not null && session.SetUpCount > 1)
        {
            return new Reply(RtspStatus.OnlyAggregateOperationAllowed);
        }
        var reply = WithSession(new Reply(RtspStatus.Ok, [new("Range", "npt=0.000-")]));
        if (session.State == SessionState.Playing)
        {
            return reply; // already playing: nothing to restart
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
        afterAnswer = () =>
        {
            session.Play();
            RtspServerLog.Playing(_logger, session.Id, session.Path, _remote);
        };
        return reply with { Headers = [.. reply.Headers, new("RTP-Info", string.Join(',', entries))] };
    }

    private Reply Teardown(RtspServerRequest request, ref bool keepOpen)
    {
        if (_session is null || CheckSession(request, required: true) is not null)
        {
            return new Reply(RtspStatus.SessionNotFound);
        }
        EndSession();
        keepOpen = false;
        return new Reply(RtspStatus.Ok, [new("Connection", "close")]);
    }

    /// <summary>454 when the request names a session this connection does not hold (or none, if required).</summary>
    private Reply? CheckSession(RtspServerRequest request, bool required)
    {
        if (!SessionHeader.TryParse(request.Headers["Session"], out var header))
        {
            return required ? new Reply(RtspStatus.SessionNotFound) : null;
        }
        return header.Id == _session?.Id ? null : new Reply(RtspStatus.SessionNotFound);
    }

    private Reply WithSession(Reply reply) =>
        _session is null
            ? reply
            : reply with
            {
                Headers = [.. reply.Headers, new("Session",
                    string.Create(CultureInfo.InvariantCulture, $"{_session.Id};timeout={(int)_options.SessionTimeout.TotalSeconds}"))],
            };

    private void EndSession()
    {
        if (_session is { } session && Interlocked.Exchange(ref _sessionEnded, 1) == 0)
        {
            session.Stop();
            _server.SessionClosed();
        }
    }

    private int _sessionEnded;

    private readonly record struct Reply(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Body = null)
    {
        public Reply(int status)
            : this(status, [])
        {
        }
    }
}
