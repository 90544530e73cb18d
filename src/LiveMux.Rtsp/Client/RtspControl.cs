using System.Globalization;
using System.Text;
using LiveMux.Rtsp.Auth;
using LiveMux.Rtsp.Protocol;
using Microsoft.Extensions.Logging;

namespace LiveMux.Rtsp.Client;

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
        Inbox = new ServerRequestInbox(options.MaxPrePlayBytes);
    }

    /// <summary>The camera's requests waiting for an answer, and the pre-PLAY byte budget; shared by every loop that reads.</summary>
    public ServerRequestInbox Inbox { get; }

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
        RtspLog.RequestSent(_logger, method, UrlRedactor.RedactUrl(uri), cseq);
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
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        var waiter = new ResponseWaiter(cseq, Inbox);
        try
        {
            // Sends get the round trip's remaining time as their own deadline, and no more than the media timeout:
            // a camera that stops reading fails the session as such (SendTimeout), not as one that did not answer,
            // and its stream leaves "starting" as soon as one that sends no media would.
            await Connection.SendAsync(request, SendDeadline(deadline), $"the {method} request", ct);
            while (waiter.Response is null)
            {
                await Connection.ReadFramesAsync(waiter, linked.Token);
                await AnswerServerRequestsAsync(SendDeadline(deadline), ct);
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

    private TimeSpan SendDeadline(long deadline)
    {
        var remaining = Remaining(deadline);
        return remaining < _options.MediaTimeout ? remaining : _options.MediaTimeout;
    }

    private TimeSpan Remaining(long deadline) => TimeSpan.FromSeconds((double)(deadline - _time.GetTimestamp()) / _time.TimestampFrequency);

    /// <summary>
    /// Answers the requests held in <see cref="Inbox"/>: keepalive-style ones with 200, the rest with 501 (we are a
    /// player, not a recorder). One write, which must complete within <paramref name="timeout"/>.
    /// </summary>
    public async ValueTask AnswerServerRequestsAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (Inbox.Held.Count == 0)
        {
            return;
        }
        var replies = new StringBuilder();
        foreach (var request in Inbox.Held)
        {
            var (status, reason) = request.Method is "OPTIONS" or "GET_PARAMETER" or "SET_PARAMETER"
                ? (200, "OK")
                : (501, "Not Implemented");
            RtspLog.ServerRequest(_logger, Url.ToString(), RtspMessageReader.Printable(request.Method), status);
            replies.Append(CultureInfo.InvariantCulture,
                $"RTSP/1.0 {status} {reason}\r\nCSeq: {request.CSeq}\r\nUser-Agent: {_options.UserAgent}\r\n\r\n");
        }
        var count = Inbox.Held.Count;
        Inbox.Clear();
        await Connection.SendAsync(Encoding.ASCII.GetBytes(replies.ToString()), timeout,
            count == 1 ? "the reply to its request" : $"the replies to its {count} requests", ct);
    }
}
