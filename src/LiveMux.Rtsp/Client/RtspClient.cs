using System.Net;
using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Protocol;
using Microsoft.Extensions.Logging;
using LiveMux.Rtsp.Transport;

namespace LiveMux.Rtsp.Client;

/// <summary>
/// RTSP/1.0 client (RFC 2326) for playing a camera, RTP interleaved on the connection (section 10.12) or over
/// UDP unicast, rtsp:// or rtsps:// (TLS, interleaved only).
/// <code>
///   OPTIONS  -> Public (is GET_PARAMETER available for keepalives?)      3xx + Location -> reconnect there
///   DESCRIBE -> SDP, base URL (Content-Base | Content-Location | request URL)   (at most MaxRedirects hops)
///   SETUP    -> per selected track, Transport: RTP/AVP/TCP;unicast;interleaved=2i-2i+1
///                                           or RTP/AVP;unicast;client_port=p-p+1   (UDP)
///   PLAY     -> the session (aggregate) control URL
/// </code>
/// Transport Auto: UDP first; a refused UDP SETUP, or no RTP within UdpFirstPacketTimeout of PLAY, means a new
/// session over TCP.
/// </summary>
public sealed class RtspClient
{
    private static readonly int[] s_redirectStatuses = [301, 302, 303, 305, 307];

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
        // The predicate may keep state (e.g. "first video track"), so it runs once; a retry reuses its answers.
        var selection = new TrackSelection(selectTrack);
        var transport = _options.Transport;
        if (url.IsSecure && transport != RtspTransport.Tcp)
        {
            RtspLog.TlsForcesTcp(_logger, url.ToString(), transport);
            transport = RtspTransport.Tcp;
        }
        if (transport != RtspTransport.Auto)
        {
            var session = await PlayFollowingRedirectsAsync(url, selection, transport, ct);
            RtspLog.TransportChosen(_logger, url.ToString(), transport, "configured");
            return session;
        }

        string reason;
        try
        {
            var session = await PlayFollowingRedirectsAsync(url, selection, RtspTransport.Udp, ct);
            if (await session.WaitForFirstUdpPacketAsync(_options.UdpFirstPacketTimeout, ct))
            {
                RtspLog.TransportChosen(_logger, url.ToString(), RtspTransport.Udp, "auto: UDP delivers");
                return session;
            }
            reason = $"no RTP over UDP within {_options.UdpFirstPacketTimeout.TotalSeconds:0.#} s of PLAY (firewall or NAT?)";
            await session.DisposeAsync();
        }
        catch (RtspException e) when (e.Kind == RtspErrorKind.UnsupportedTransport)
        {
            reason = e.Message;
        }
        RtspLog.FallingBackToTcp(_logger, url.ToString(), reason);
        var tcp = await PlayFollowingRedirectsAsync(url, selection, RtspTransport.Tcp, ct);
        tcp.FallbackReason = reason;
        RtspLog.TransportChosen(_logger, url.ToString(), RtspTransport.Tcp, "auto: fell back from UDP");
        return tcp;
    }

    private async Task<RtspPlaySession> PlayFollowingRedirectsAsync(
        RtspUrl url, TrackSelection selection, RtspTransport transport, CancellationToken ct)
    {
        for (var hop = 0; ; hop++)
        {
            RtspLog.Connecting(_logger, url.ToString());
            var connection = await RtspConnection.ConnectAsync(url, _options, _time, ct);
            RtspLog.Connected(_logger, url.ToString(), connection.RemoteEndPoint);
            var control = new RtspControl(connection, url, _options, _time, _logger);
            string? location;
            try
            {
                var handshake = new Handshake(this, control, selection, transport);
                var session = await handshake.RunAsync(ct);
                if (session is not null)
                {
                    return session;
                }
                location = handshake.RedirectLocation!;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
            await connection.DisposeAsync();
            if (hop >= _options.MaxRedirects)
            {
                throw new RtspException(RtspErrorKind.TooManyRedirects,
                    $"{url}: more than {_options.MaxRedirects} redirects; last to {UrlRedactor.RedactUrl(location)}");
            }
            var next = RedirectTarget(url, location)
                ?? throw new RtspException(RtspErrorKind.TooManyRedirects,
                    $"{url}: redirect to an unusable Location \"{RtspMessageReader.Printable(UrlRedactor.RedactUrl(location))}\"");
            RtspLog.Redirected(_logger, url.ToString(), next.ToString());
            url = next;
        }
    }

    /// <summary>
    /// The URL a redirect leads to. Relative locations resolve against the current URL. Credentials travel only to
    /// the same host: a camera must not be able to send our password elsewhere.
    /// </summary>
    internal static RtspUrl? RedirectTarget(RtspUrl current, string location)
    {
        var absolute = location.Trim();
        if (!absolute.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase)
            && !absolute.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase))
        {
            if (absolute.Contains("://", StringComparison.Ordinal))
            {
                return null; // another scheme (http://...)
            }
            absolute = ControlUrl.Resolve(current.RequestUri, absolute.StartsWith('/') ? absolute : "/" + absolute);
        }
        if (!RtspUrl.TryParse(absolute, out var next, out _))
        {
            return null;
        }
        var sameHost = string.Equals(next.Uri.Host, current.Uri.Host, StringComparison.OrdinalIgnoreCase);
        if (next.UserName is not null)
        {
            return sameHost ? next : next.WithCredentials(null, null);
        }
        return sameHost && current.UserName is not null ? next.WithCredentials(current.UserName, current.Password) : next;
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

    private static bool IsRedirect(RtspResponse response, out string location)
    {
        location = response.Headers["Location"] ?? "";
        return s_redirectStatuses.Contains(response.StatusCode) && location.Length > 0;
    }

    /// <summary>Remembers which tracks the caller chose, by position in the SDP, for a second session.</summary>
    private sealed class TrackSelection(Func<MediaTrack, bool> select)
    {
        private bool[]? _chosen;

        public List<MediaTrack> Choose(IReadOnlyList<MediaTrack> tracks)
        {
            if (_chosen is null || _chosen.Length != tracks.Count)
            {
                _chosen = [.. tracks.Select(select)];
            }
            return [.. tracks.Where((_, i) => _chosen[i])];
        }
    }

    /// <summary>One connection's OPTIONS..PLAY. Returns null with <see cref="RedirectLocation"/> set on a redirect.</summary>
    private sealed class Handshake(RtspClient client, RtspControl control, TrackSelection selection, RtspTransport transport)
    {
        public string? RedirectLocation { get; private set; }

        public async Task<RtspPlaySession?> RunAsync(CancellationToken ct)
        {
            var logger = client._logger;
            var url = control.Url;
            var options = await control.ExchangeAsync("OPTIONS", url.RequestUri, null, ct);
            if (IsRedirect(options, out var location))
            {
                RedirectLocation = location;
                return null;
            }
            if (!options.IsSuccess)
            {
                // Some cameras refuse OPTIONS yet play fine; DESCRIBE decides.
                RtspLog.OptionsRejected(logger, url.ToString(), options.StatusCode);
            }
            var supportsGetParameter = (options.Headers["Public"] ?? "")
                .Split(',', StringSplitOptions.TrimEntries)
                .Contains("GET_PARAMETER", StringComparer.OrdinalIgnoreCase);

            var describe = await control.ExchangeAsync("DESCRIBE", url.RequestUri, [new("Accept", "application/sdp")], ct);
            if (IsRedirect(describe, out location))
            {
                RedirectLocation = location;
                return null;
            }
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
            RtspLog.Described(logger, url.ToString(), RtspMessageReader.Printable(server), string.Join(", ", sdp.Tracks));

            var selected = selection.Choose(sdp.Tracks);
            if (selected.Count == 0)
            {
                throw new RtspException(RtspErrorKind.NoSupportedTracks,
                    $"{url}: none of the camera's tracks is supported ({string.Join(", ", sdp.Tracks)})");
            }

            var udp = transport == RtspTransport.Udp ? new UdpPortPair[selected.Count] : null;
            UdpReceiver? receiver = null;
            var handedOver = false;
            try
            {
                var (channels, sessionTimeout, sources) = await SetupAsync(selected, baseUrl, udp, ct);
                if (udp is not null)
                {
                    var allowed = new List<IPAddress> { control.Connection.RemoteAddress };
                    allowed.AddRange(sources);
                    receiver = new UdpReceiver(udp, allowed, client._options.UdpQueueCapacity, client._options.MaxInterleavedFrameBytes);
                    receiver.Start(control.Connection.Wake);
                }
                var sessionUrl = ControlUrl.Resolve(baseUrl, sdp.Control);
                var session = new RtspPlaySession(control, selected, channels, sessionUrl, supportsGetParameter ? "GET_PARAMETER" : "OPTIONS",
                    sessionTimeout, RtspMessageReader.Printable(server), client._options, client._time, logger, receiver);
                // Punch the NAT before PLAY so the camera's first packets find the way open.
                session.PunchUdp();
                var play = await control.ExchangeAsync("PLAY", sessionUrl, [new("Range", "npt=0.000-")], ct);
                EnsureSuccess(play, "PLAY", url);
                control.Inbox.StartPlaying();
                RtspLog.Playing(logger, url.ToString(), selected.Count, sessionTimeout);
                handedOver = true; // the session owns the receiver now
                return session;
            }
            finally
            {
                if (!handedOver && receiver is not null)
                {
                    await receiver.DisposeAsync();
                }
                else if (!handedOver && udp is not null)
                {
                    // SETUP failed before the receiver took the sockets.
                    foreach (var pair in udp)
                    {
                        pair?.Dispose();
                    }
                }
            }
        }

        private async Task<(int[] Channels, TimeSpan SessionTimeout, List<IPAddress> Sources)> SetupAsync(
            List<MediaTrack> selected, string baseUrl, UdpPortPair[]? udp, CancellationToken ct)
        {
            var logger = client._logger;
            var url = control.Url;
            var channels = new int[selected.Count];
            var sessionTimeout = SessionHeader.DefaultTimeout;
            var sources = new List<IPAddress>();
            for (var i = 0; i < selected.Count; i++)
            {
                var trackUrl = ControlUrl.Resolve(baseUrl, selected[i].Control);
                string request;
                if (udp is not null)
                {
                    udp[i] = UdpPortPair.Bind(control.Connection.LocalAddress);
                    request = TransportHeader.RequestUdp(udp[i].RtpPort);
                }
                else
                {
                    request = TransportHeader.Request(2 * i);
                }
                var setup = await control.ExchangeAsync("SETUP", trackUrl, [new("Transport", request)], ct);
                if (udp is not null && setup.StatusCode is >= 400 and < 600)
                {
                    throw new RtspException(RtspErrorKind.UnsupportedTransport,
                        $"{url}: camera refused RTP over UDP ({setup.StatusCode} {RtspMessageReader.Printable(setup.Reason)} on SETUP)");
                }
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
                var replied = setup.Headers["Transport"];
                if (udp is not null)
                {
                    var transport = replied is null ? default : TransportHeader.Parse(replied);
                    if (replied is null || transport.IsTcp || transport.ServerRtpPort is null)
                    {
                        throw new RtspException(RtspErrorKind.UnsupportedTransport,
                            $"{url}: camera answered the UDP SETUP with \"{RtspMessageReader.Printable(replied ?? "no Transport header")}\"");
                    }
                    var camera = control.Connection.RemoteAddress;
                    if (transport.Source is { } s && IPAddress.TryParse(s, out var source))
                    {
                        sources.Add(source);
                        camera = source;
                    }
                    udp[i].ServerRtp = new IPEndPoint(camera, transport.ServerRtpPort.Value);
                    udp[i].ServerRtcp = new IPEndPoint(camera, transport.ServerRtcpPort ?? transport.ServerRtpPort.Value + 1);
                    channels[i] = -1;
                    RtspLog.TrackSetUpUdp(logger, url.ToString(), i, selected[i].ToString(), udp[i].RtpPort, transport.ServerRtpPort.Value);
                    continue;
                }
                var tcp = replied is not null ? TransportHeader.Parse(replied) : new TransportHeader(true, 2 * i, 2 * i + 1);
                if (!tcp.IsTcp)
                {
                    throw new RtspException(RtspErrorKind.UnsupportedTransport,
                        $"{url}: camera answered SETUP with a non-TCP transport \"{RtspMessageReader.Printable(replied!)}\"");
                }
                // A server may pick other channels than we asked for; follow its choice.
                channels[i] = tcp.RtpChannel ?? 2 * i;
                RtspLog.TrackSetUp(logger, url.ToString(), i, selected[i].ToString(), channels[i], tcp.RtcpChannel ?? channels[i] + 1);
            }
            return (channels, sessionTimeout, sources);
        }
    }
}
