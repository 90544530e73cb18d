using System.Net.WebSockets;
using LiveMux.Server.Egress.Mse;

namespace LiveMux.Server.Endpoints;

/// <summary>The first step of go2rtc's MSE protocol: the viewer's list of codecs its MediaSource accepts.</summary>
internal static class MseHandshake
{
    /// <summary>The codec list, or null; when the viewer sent nothing in time, also the receive still waiting.</summary>
    public readonly record struct Outcome(CodecOffer? Offer, Task? PendingReceive)
    {
        public bool TimedOut => PendingReceive is not null;
    }

    /// <summary>
    /// Waits for the codec list. go2rtc's player opens WebRTC on the same socket, so its
    /// <c>webrtc/offer</c> (an SDP of several KB) may come first: other requests are skipped, within
    /// a count and size limit. Anything that is not a JSON request is refused.
    /// </summary>
    /// <remarks>
    /// The timeout does not cancel the receive: a cancelled receive aborts the socket, and the viewer would get
    /// a reset instead of the reason. The receive is left waiting (into a buffer of its own, not a pooled one)
    /// while the caller sends the error and the close frame; the viewer's answer to the close completes it.
    /// </remarks>
    public static async Task<Outcome> ReadOfferAsync(WebSocket socket, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        const int maxSkippedMessages = 8;
        const int maxSkippedBytes = 64 * 1024;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var deadline = Task.Delay(timeout, time, timer.Token);
        var buffer = new byte[ControlMessages.MaxClientMessageBytes];
        try
        {
            var skippedBytes = 0;
            for (var message = 0; message <= maxSkippedMessages; message++)
            {
                var length = 0;
                var oversized = false;
                while (true)
                {
                    var window = oversized ? buffer.AsMemory() : buffer.AsMemory(length, ControlMessages.MaxClientMessageBytes - length);
                    var receive = socket.ReceiveAsync(window, ct).AsTask();
                    if (!receive.IsCompleted && await Task.WhenAny(receive, deadline).ConfigureAwait(false) != receive)
                    {
                        _ = receive.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                        return new(null, receive);
                    }

                    var result = await receive.ConfigureAwait(false);
                    if (result.MessageType != WebSocketMessageType.Text)
                    {
                        return default;
                    }

                    if (oversized)
                    {
                        skippedBytes += result.Count;
                    }
                    else
                    {
                        length += result.Count;
                    }

                    if (result.EndOfMessage)
                    {
                        break;
                    }

                    if (!oversized && length >= ControlMessages.MaxClientMessageBytes)
                    {
                        // Too long for a codec list: some other request, read and thrown away.
                        oversized = true;
                        skippedBytes += length;
                    }

                    if (skippedBytes > maxSkippedBytes)
                    {
                        return default;
                    }
                }

                if (oversized)
                {
                    continue;
                }

                if (!ControlMessages.TryParseClientMessage(buffer.AsSpan(0, length), out var type, out var value))
                {
                    return default;
                }

                if (type == "mse")
                {
                    return new(CodecOffer.Parse(value ?? ""), null);
                }

                skippedBytes += length;
                if (skippedBytes > maxSkippedBytes)
                {
                    return default;
                }
            }

            return default;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            return default;
        }
        finally
        {
            await timer.CancelAsync().ConfigureAwait(false);
        }
    }
}
