using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Protocol;
using Microsoft.Extensions.Logging;

namespace LiveMux.Rtsp;

/// <summary>
/// RTSP/1.0 client (RFC 2326) for playing a camera over one TCP connection with interleaved RTP (section 10.12).
/// <code>
///   OPTIONS  -> Public (is GET_PARAMETER available for keepalives?)
///   DESCRIBE -> SDP, base URL (Content-Base | Content-Location | request URL)
///   SETUP    -> per selected track, Transport: RTP/AVP/TCP;unicast;interleaved=2i-2i+1
///   PLAY     -> the session (aggregate) control URL
/// </code>
/// </summary>
public sealed class RtspClient
{
    private readonly RtspClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public RtspClient(RtspClientOptions options, ILogger logger, TimeProvider timeProvider)
    {
        _options = options;
        _logger = logger;
        _time = timeProvider;
    }

    public async Task<RtspPlaySession> PlayAsync(RtspUrl url, Func<MediaTrack, bool> selectTrack, CancellationToken ct)
    {
        if (url.IsSecure)
        {
            throw new RtspException(RtspErrorKind.UnsupportedTransport, $"{url}: rtsps (RTSP over TLS) is not supported yet");
        }
        RtspLog.Connecting(_logger, url.ToString());
        var connection = await RtspConnection.ConnectAsync(url, _options, _time, ct);
        RtspLog.Connected(_logger, url.ToString(), connection.RemoteEndPoint);
        var control = new RtspControl(connection, url, _options, _time, _logger);
        try
        {
            return await HandshakeAsync(control, selectTrack, ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<RtspPlaySession> HandshakeAsync(RtspControl control, Func<MediaTrack, bool> selectTrack, CancellationToken ct)
    {
        var url = control.Url;
        var options = await control.ExchangeAsync("OPTIONS", url.RequestUri, null, ct);
        if (!options.IsSuccess)
        {
            // Some cameras refuse OPTIONS yet play fine; DESCRIBE decides.
            RtspLog.OptionsRejected(_logger, url.ToString(), options.StatusCode);
        }
        var supportsGetParameter = (options.Headers["Public"] ?? "")
            .Split(',', StringSplitOptions.TrimEntries)
            .Contains("GET_PARAMETER", StringComparer.OrdinalIgnoreCase);

        var describe = await control.ExchangeAsync("DESCRIBE", url.RequestUri, [new("Accept", "application/sdp")], ct);
        EnsureSuccess(describe, "DESCRIBE", url);
        if (!SessionDescription.TryParse(describe.Body, out var sdp, out var sdpError))
        {
            throw new RtspException(RtspErrorKind.MalformedResponse,
                describe.Body.Length == 0
                    ? $"{url}: camera answered DESCRIBE without an SDP body"
                    : $"{url}: camera sent an invalid SDP: {sdpError}");
        }
        var baseUrl = ControlUrl.BaseOf(url.RequestUri, describe.Headers["Content-Base"], describe.Headers["Content-Location"]);
        var server = describe.Headers["Server"] ?? options.Headers["Server"] ?? "unknown";
        RtspLog.Described(_logger, url.ToString(), RtspMessageReader.Printable(server), string.Join(", ", sdp.Tracks));

        var selected = sdp.Tracks.Where(selectTrack).ToList();
        if (selected.Count == 0)
        {
            throw new RtspException(RtspErrorKind.NoSupportedTracks,
                $"{url}: none of the camera's tracks is supported ({string.Join(", ", sdp.Tracks)})");
        }

        var channels = new int[selected.Count];
        var sessionTimeout = SessionHeader.DefaultTimeout;
        for (var i = 0; i < selected.Count; i++)
        {
            var trackUrl = ControlUrl.Resolve(baseUrl, selected[i].Control);
            var setup = await control.ExchangeAsync("SETUP", trackUrl, [new("Transport", TransportHeader.Request(2 * i))], ct);
            if (setup.StatusCode == 461)
            {
                throw new RtspException(RtspErrorKind.UnsupportedTransport,
                    $"{url}: camera does not support RTP over the RTSP connection (461 on SETUP)");
            }
            EnsureSuccess(setup, "SETUP", url);
            if (control.SessionId is null)
            {
                if (!SessionHeader.TryParse(setup.Headers["Session"], out var session))
                {
                    throw new RtspException(RtspErrorKind.MalformedResponse, $"{url}: SETUP response has no Session header");
                }
                control.SessionId = session.Id;
                sessionTimeout = session.Timeout;
            }
            var transport = setup.Headers["Transport"] is { } t ? TransportHeader.Parse(t) : new TransportHeader(true, 2 * i, 2 * i + 1);
            if (!transport.IsTcp)
            {
                throw new RtspException(RtspErrorKind.UnsupportedTransport,
                    $"{url}: camera answered SETUP with a non-TCP transport \"{RtspMessageReader.Printable(setup.Headers["Transport"]!)}\"");
            }
            // A server may pick other channels than we asked for; follow its choice.
            channels[i] = transport.RtpChannel ?? 2 * i;
            RtspLog.TrackSetUp(_logger, url.ToString(), i, selected[i].ToString(), channels[i], transport.RtcpChannel ?? channels[i] + 1);
        }

        var sessionUrl = ControlUrl.Resolve(baseUrl, sdp.Control);
        var play = await control.ExchangeAsync("PLAY", sessionUrl, [new("Range", "npt=0.000-")], ct);
        EnsureSuccess(play, "PLAY", url);
        RtspLog.Playing(_logger, url.ToString(), selected.Count, sessionTimeout);
        return new RtspPlaySession(control, selected, channels, sessionUrl, supportsGetParameter ? "GET_PARAMETER" : "OPTIONS",
            sessionTimeout, RtspMessageReader.Printable(server), _options, _time, _logger);
    }

    private static void EnsureSuccess(RtspResponse response, string method, RtspUrl url)
    {
        if (response.IsSuccess)
        {
            return;
        }
        var reason = RtspMessageReader.Printable(response.Reason);
        throw response.StatusCode == 404
            ? new RtspException(RtspErrorKind.NotFound, $"{url}: camera has no such stream (404 on {method})")
            : new RtspException(RtspErrorKind.BadStatus, $"{url}: camera answered {method} with {response.StatusCode} {reason}");
    }
}
