using System.Buffers;
using System.Net.WebSockets;

namespace LiveMux.Server.Endpoints;

/// <summary>The first step of go2rtc's MSE protocol: the viewer's list of codecs its MediaSource accepts.</summary>
internal static class MseHandshake
{
    /// <summary>
    /// Waits for the codec list. go2rtc's player opens WebRTC on the same socket, so its
    /// <c>webrtc/offer</c> (an SDP of several KB) may come first: other requests are skipped, within
    /// a count and size limit. Anything that is not a JSON request is refused.
    /// </summary>
    public static async Task<CodecOffer?> ReadOfferAsync(WebSocket socket, TimeSpan timeout, CancellationToken ct)
    {
        const int maxSkippedMessages = 8;
        const int maxSkippedBytes = 64 * 1024;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        var buffer = ArrayPool<byte>.Shared.Rent(ControlMessages.MaxClientMessageBytes);
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
                    var result = await socket.ReceiveAsync(window, timer.Token);
                    if (result.MessageType != WebSocketMessageType.Text)
                    {
                        return null;
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
                        return null;
                    }
                }

                if (oversized)
                {
                    continue;
                }

                if (!ControlMessages.TryParseClientMessage(buffer.AsSpan(0, length), out var type, out var value))
                {
                    return null;
                }

                if (type == "mse")
                {
                    return CodecOffer.Parse(value ?? "");
                }

                skippedBytes += length;
                if (skippedBytes > maxSkippedBytes)
                {
                    return null;
                }
            }

            return null;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
