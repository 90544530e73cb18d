using System.Buffers;
using System.Net.WebSockets;
using LiveMux.Hub;
using LiveMux.Media.Mp4;
using LiveMux.Server.Auth;
using LiveMux.Server.Egress.Mse;
using LiveMux.Server.Limits;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace LiveMux.Server.Endpoints;

/// <summary>
/// <c>WS /api/ws?src=NAME</c>, go2rtc's MSE protocol:
/// <code>
/// client: {"type":"mse","value":"avc1.640029,mp4a.40.2,..."}     codecs its MediaSource accepts
/// server: {"type":"mse","value":"video/mp4; codecs=\"...\""}    the SourceBuffer type
/// server: binary init segment, then one binary moof+mdat per frame (new init segments when the camera changes)
/// server: {"type":"status","value":"reconnecting","reason":"..."} / {"type":"status","value":"live"}
/// server: {"type":"error","value":"..."}
/// client: {"type":"time","value":ms}  server: {"type":"time","value":ms,"server":ms}   clock sync (<see cref="ClockSync"/>)
/// </code>
/// One loop sends the stream; another reads, to see the viewer leave and to answer clock-sync requests.
/// Both write through <see cref="ViewerSocket"/>, which lets one send through at a time.
/// </summary>
internal static class WebSocketEndpoint
{
    public static async Task HandleAsync(HttpContext context, StreamHub hub, MseEgress mse, IOptions<LiveMuxOptions> options, ILoggerFactory loggers, ViewerAccess viewers, OriginPolicy origins, TimeProvider time, PendingHandshakes pendingHandshakes, ViewerSlots viewerSlots, LimitRefusals refusals)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            if (context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase)
                && context.Request.Headers.Connection.ToString().Contains("upgrade", StringComparison.OrdinalIgnoreCase)
                && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: false })
            {
                // A WebSocket request Kestrel will not upgrade: it has MaxConcurrentUpgradedConnections open.
                await RefuseUpgradeAsync(context, options.Value, refusals);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("expected a WebSocket request", context.RequestAborted);
            return;
        }

        var logger = loggers.CreateLogger("LiveMux.Server.Viewers");
        if (!origins.Allows(context.Request))
        {
            var origin = Truncate(context.Request.Headers.Origin.ToString(), 120);
            AuthLog.OriginRefused(logger, origin);
            await AuthProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "this page's origin may not open viewer WebSockets (LiveMux:Auth:AllowedOrigins)");
            return;
        }

        var name = context.Request.Query["src"].ToString();

        // Refused before the upgrade: a socket that never sends its codec list must not cost one more.
        // A browser's player sends it as the socket opens, so only a flood from one address meets this.
        using var pending = pendingHandshakes.TryTake(context.Connection.RemoteIpAddress);
        if (pending is null)
        {
            refusals.Refused("LiveMux:Limits:MaxPendingHandshakesPerAddress", $"{pendingHandshakes.Max} WebSockets from {PendingHandshakes.Key(context.Connection.RemoteIpAddress)} waiting for their codec list");
            context.Response.Headers.RetryAfter = "10";
            await AuthProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too Many Requests",
                $"this address has {pendingHandshakes.Max} WebSockets waiting for their codec list (LiveMux:Limits:MaxPendingHandshakesPerAddress)");
            return;
        }

        // Checked before the upgrade, refused after it: a browser never sees a refused handshake's status,
        // only a message, so the player can show why.
        var access = viewers.Check(context.Request, name);
        WebSocket accepted;
        try
        {
            accepted = await context.WebSockets.AcceptWebSocketAsync();
        }
        catch (InvalidOperationException) when (!context.Response.HasStarted)
        {
            // The upgrade limit was reached between the check above and the upgrade.
            await RefuseUpgradeAsync(context, options.Value, refusals);
            return;
        }

        using var webSocket = accepted;
        using var socket = new ViewerSocket(webSocket);
        var ct = context.RequestAborted;
        if (!access.Allowed)
        {
            var shown = Truncate(name);
            AuthLog.ViewerRefused(logger, shown, "WebSocket", access.Reason);
            await SendErrorAndCloseAsync(socket, $"unauthorized: {access.Reason}", ct);
            return;
        }

        if (!hub.TryGet(name, out var stream))
        {
            await SendErrorAndCloseAsync(socket, $"unknown stream '{Truncate(name)}'", ct);
            return;
        }

        using var slot = viewerSlots.TryTake(stream.Name);
        if (slot is null)
        {
            refusals.Refused("LiveMux:Limits:MaxViewers", $"{viewerSlots.Max} viewers of {stream.Name}");
            await SendErrorAndCloseAsync(socket, viewerSlots.Refusal(stream.Name), ct);
            return;
        }

        var timeout = options.Value.HandshakeTimeout;
        var handshake = await MseHandshake.ReadOfferAsync(webSocket, timeout, time, ct);
        pending.Dispose();
        if (handshake.Offer is not { } offer)
        {
            ServerLog.ViewerRefused(logger, stream.Name, handshake.TimedOut ? $"no codec list within {timeout}" : "no codec list");
            await SendErrorAndCloseAsync(socket, handshake.TimedOut
                ? $"{ExpectedMse}; none came within {timeout.TotalSeconds:0.###} s (LiveMux:HandshakeTimeout)"
                : ExpectedMse, ct);
            if (handshake.PendingReceive is { } receive)
            {
                // The viewer's answer to our close ends the receive; a viewer that never answers is cut off.
                await Task.WhenAny(receive, Task.Delay(TimeSpan.FromSeconds(2), time, ct));
            }

            return;
        }

        using var viewerLeft = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reading = ReadClientAsync(socket, new ClockSync(time), viewerLeft);
        string reason;
        var output = new Output(socket);
        while (true)
        {
            using var subscription = mse.Subscribe(stream);
            LiveStream? fallback;
            try
            {
                (reason, fallback) = await MseViewerLoop.RunAsync(output, stream, subscription, offer, logger, viewerLeft.Token);
            }
            catch (WebSocketException)
            {
                (reason, fallback) = ("viewer connection lost", null);
            }

            if (fallback is null)
            {
                break;
            }

            // The browser cannot play this stream's video: its H.264 transcode takes over, before anything was sent.
            ServerLog.ViewerFallback(logger, stream.Name, reason, fallback.Name);
            stream = fallback;
        }

        ServerLog.ViewerEnded(logger, stream.Name, reason);

        // Cancelling a pending receive aborts the socket and can lose the last message, so close our
        // side first and give the viewer a moment to answer the close.
        await CloseAsync(socket, reason);
        await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(2), ct));
        await viewerLeft.CancelAsync();
        await reading;
    }

    /// <summary>go2rtc's MSE protocol on one WebSocket: statuses and errors as JSON text, init and fragments as binary.</summary>
    private sealed class Output(ViewerSocket socket) : IMseViewerOutput
    {
        private string? _mime;

        public async ValueTask StatusAsync(StreamEvent e, bool beforeFirstInit, CancellationToken ct)
        {
            await SendTextAsync(socket, ControlMessages.Status(e), ct);
            if (beforeFirstInit && e.State == StreamState.Reconnecting)
            {
                // Nothing has played yet: the viewer is told why, in the form go2rtc front ends show.
                await SendTextAsync(socket, ControlMessages.Error($"camera unavailable: {e.Reason}; retrying"), ct);
            }
        }

        /// <summary>Sends the mse reply when the type changed, then this viewer's init segment with its time origin.</summary>
        public async ValueTask<bool> InitAsync(StreamFormat format, double originSeconds, CancellationToken ct)
        {
            if (format.MimeType != _mime)
            {
                await SendTextAsync(socket, ControlMessages.Mse(format.MimeType), ct);
                _mime = format.MimeType;
            }

            var origins = new long[format.Tracks.Count];
            for (var i = 0; i < origins.Length; i++)
            {
                origins[i] = (long)Math.Round(originSeconds * format.Tracks[i].Timescale);
            }

            await socket.SendAsync(InitSegment.Build(format.Tracks, origins), WebSocketMessageType.Binary, ct);
            return true;
        }

        public ValueTask FragmentAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload, CancellationToken ct) =>
            socket.SendBinaryAsync(header, payload, ct);

        public ValueTask EndAsync(string reason, CancellationToken ct) => SendTextAsync(socket, ControlMessages.Error(reason), ct);
    }

    /// <summary>
    /// Reads what the viewer sends after the handshake: clock-sync requests are answered (within their rate
    /// limit), anything else is ignored; messages over <see cref="ControlMessages.MaxClientMessageBytes"/> are
    /// read and thrown away. The viewer's close or loss ends the send loop.
    /// </summary>
    private static async Task ReadClientAsync(ViewerSocket viewer, ClockSync clock, CancellationTokenSource viewerLeft)
    {
        var socket = viewer.Socket;
        var buffer = ArrayPool<byte>.Shared.Rent(ControlMessages.MaxClientMessageBytes);
        try
        {
            var length = 0;
            var oversized = false;
            while (!viewerLeft.IsCancellationRequested)
            {
                var window = oversized ? buffer.AsMemory() : buffer.AsMemory(length, ControlMessages.MaxClientMessageBytes - length);
                var result = await socket.ReceiveAsync(window, viewerLeft.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                length += oversized ? 0 : result.Count;
                oversized |= !result.EndOfMessage && length >= ControlMessages.MaxClientMessageBytes;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (!oversized && result.MessageType == WebSocketMessageType.Text
                    && ClockSync.TryParseRequest(buffer.AsSpan(0, length), out var number) && clock.TryAdmit())
                {
                    await viewer.SendTextAsync(() => clock.Reply(number), viewerLeft.Token);
                }

                length = 0;
                oversized = false;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await viewerLeft.CancelAsync();
        }
    }

    private static ValueTask SendTextAsync(ViewerSocket socket, byte[] utf8, CancellationToken ct) =>
        socket.SendAsync(utf8, WebSocketMessageType.Text, ct);

    private static async Task SendErrorAndCloseAsync(ViewerSocket socket, string message, CancellationToken ct)
    {
        try
        {
            await SendTextAsync(socket, ControlMessages.Error(message), ct);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }

        await CloseAsync(socket, message);
    }

    private static async Task CloseAsync(ViewerSocket socket, string reason)
    {
        if (socket.Socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, CloseReason(reason), timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    private const string ExpectedMse = "expected {\"type\":\"mse\",\"value\":\"<codecs>\"} as the first message";

    private static Task RefuseUpgradeAsync(HttpContext context, LiveMuxOptions options, LimitRefusals refusals)
    {
        var max = options.Limits.MaxUpgradedConnections;
        refusals.Refused("LiveMux:Limits:MaxUpgradedConnections", $"{max} WebSockets open");
        context.Response.Headers.RetryAfter = "10";
        return AuthProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
            $"the server has its maximum of {max} WebSocket connections open (LiveMux:Limits:MaxUpgradedConnections); try again later");
    }

    private static string Truncate(string text, int max = 64) => text.Length <= max ? text : text[..max];

    // RFC 6455 5.5: a close reason fits in 123 bytes of UTF-8. ASCII keeps the byte count equal to the length.
    private static string CloseReason(string reason) =>
        string.Create(Math.Min(reason.Length, 120), reason, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = r[i] is >= ' ' and <= '~' ? r[i] : '?';
            }
        });
}
