using System.Text;
using LiveMux.Rtsp.Auth;
using LiveMux.Rtsp.Protocol;
using Microsoft.Extensions.Logging;

namespace LiveMux.Rtsp;

/// <summary>
/// Request state of one RTSP connection: CSeq counter, credentials and authenticator, session id.
/// Owned by whoever owns the connection: the handshake in <see cref="RtspClient"/>, then the session's loop.
/// </summary>
internal sealed class RtspControl
{
    private readonly RtspClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _cseq;

    public RtspControl(RtspConnection connection, RtspUrl url, RtspClientOptions options, TimeProvider time, ILogger logger)
    {
        Connection = connection;
        Url = url;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public RtspConnection Connection { get; }
    public RtspUrl Url { get; }
    public RtspAuthenticator? Authenticator { get; private set; }
    public string? SessionId { get; set; }

    /// <summary>Builds a request with CSeq, User-Agent, Authorization and Session; returns its CSeq.</summary>
    public byte[] Build(string method, string uri, IEnumerable<KeyValuePair<string, string>>? extra, out int cseq)
    {
        cseq = ++_cseq;
        var headers = new List<KeyValuePair<string, string>> { new("User-Agent", _options.UserAgent) };
        if (Authenticator is not null)
        {
            headers.Add(new("Authorization", Authenticator.CreateHeader(method, uri)));
        }
        if (SessionId is not null)
        {
            headers.Add(new("Session", SessionId));
        }
        if (extra is not null)
        {
            headers.AddRange(extra);
        }
        RtspLog.RequestSent(_logger, method, RtspUrl.Redact(uri), cseq);
        return RtspRequestWriter.Write(method, uri, cseq, headers);
    }

    /// <summary>
    /// Sends a request and waits for its response (ResponseTimeout), answering 401 once with credentials
    /// (and once more if the digest nonce went stale). Does not check the final status.
    /// </summary>
    public async Task<RtspResponse> ExchangeAsync(
        string method, string uri, IEnumerable<KeyValuePair<string, string>>? extra, CancellationToken ct,
        TimeSpan? timeout = null)
    {
        var answeredChallenge = false;
        var renewedStale = false;
        while (true)
        {
            var response = await RoundTripAsync(method, uri, extra, timeout ?? _options.ResponseTimeout, ct);
            if (response.StatusCode != 401)
            {
                return response;
            }
            if (Url.UserName is null)
            {
                throw new RtspException(RtspErrorKind.AuthenticationFailed,
                    $"camera requires credentials (401 on {method}) but the URL has none");
            }
            var challenges = AuthChallenge.ParseAll(response.Headers.GetAll("WWW-Authenticate"));
            if (answeredChallenge)
            {
                if (!renewedStale && Authenticator is not null && Authenticator.TryRenewStale(challenges))
                {
                    renewedStale = true;
                    RtspLog.NonceStale(_logger, Url.ToString());
                    continue;
                }
                throw new RtspException(RtspErrorKind.AuthenticationFailed,
                    $"camera rejected the credentials (401 on {method})");
            }
            Authenticator = RtspAuthenticator.TryCreate(Url.UserName, Url.Password ?? "", challenges, out var reason)
                ?? throw new RtspException(RtspErrorKind.AuthenticationFailed, reason!);
            RtspLog.AuthChallenged(_logger, Url.ToString(), Authenticator.Scheme);
            answeredChallenge = true;
        }
    }

    private async Task<RtspResponse> RoundTripAsync(
        string method, string uri, IEnumerable<KeyValuePair<string, string>>? extra, TimeSpan timeout, CancellationToken ct)
    {
        var request = Build(method, uri, extra, out var cseq);
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        var waiter = new ResponseWaiter(cseq);
        try
        {
            await Connection.SendAsync(request, linked.Token);
            while (true)
            {
                var stopped = await Connection.ReadFramesAsync(waiter, linked.Token);
                await AnswerServerRequestsAsync(waiter.ServerRequests, linked.Token);
                if (stopped)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new RtspException(RtspErrorKind.ResponseTimeout,
                $"camera did not answer {method} within {timeout.TotalSeconds:0.#} s");
        }
        if (waiter.DroppedFrames > 0)
        {
            RtspLog.FramesDroppedBeforePlay(_logger, Url.ToString(), waiter.DroppedFrames);
        }
        var response = waiter.Response!;
        RtspLog.ResponseReceived(_logger, response.StatusCode, response.Reason, cseq);
        return response;
    }

    /// <summary>Answers keepalive-style requests from the server; refuses the rest (we are a player, not a recorder).</summary>
    public async ValueTask AnswerServerRequestsAsync(List<RtspServerRequest> requests, CancellationToken ct)
    {
        foreach (var request in requests)
        {
            var (status, reason) = request.Method is "OPTIONS" or "GET_PARAMETER" or "SET_PARAMETER"
                ? (200, "OK")
                : (501, "Not Implemented");
            RtspLog.ServerRequest(_logger, Url.ToString(), RtspMessageReader.Printable(request.Method), status);
            var reply = $"RTSP/1.0 {status} {reason}\r\nCSeq: {request.CSeq}\r\nUser-Agent: {_options.UserAgent}\r\n\r\n";
            await Connection.SendAsync(Encoding.ASCII.GetBytes(reply), ct);
        }
        requests.Clear();
    }

    private sealed class ResponseWaiter(int cseq) : IRtspFrameHandler
    {
        public RtspResponse? Response { get; private set; }
        public List<RtspServerRequest> ServerRequests { get; } = [];
        public int DroppedFrames { get; private set; }

        public bool OnFrame(in RtspFrame frame)
        {
            switch (frame.Kind)
            {
                // Requests are sequential here, so a response without CSeq can only answer ours.
                case RtspFrameKind.Response when frame.Response!.CSeq == cseq || frame.Response.CSeq == -1:
                    Response = frame.Response;
                    return true;
                case RtspFrameKind.Request:
                    ServerRequests.Add(frame.Request!);
                    return false;
                case RtspFrameKind.Interleaved:
                    DroppedFrames++;
                    return false;
                default:
                    return false; // a late answer to an earlier request
            }
        }
    }
}
