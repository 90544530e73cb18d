using System.Text.Json;
using LiveMux.Hub;

namespace LiveMux.Server.Endpoints;

/// <summary>The text frames of go2rtc's MSE protocol, plus LiveMux's status events.</summary>
internal static class ControlMessages
{
    public const int MaxClientMessageBytes = 4096;

    public static byte[] Mse(string mimeType) => Write("mse", mimeType, null);

    public static byte[] Error(string message) => Write("error", message, null);

    /// <summary>
    /// A stream's state change as LiveMux's status message, <c>{"type":"status","value":"reconnecting","reason":"..."}</c>.
    /// The values are spelled here, not taken from the enum's names, so renaming a state cannot change the protocol.
    /// </summary>
    public static byte[] Status(StreamEvent e) => Write("status", StatusValue(e.State), e.Reason);

    private static string StatusValue(StreamState state) => state switch
    {
        StreamState.Idle => "idle",
        StreamState.Starting => "starting",
        StreamState.Live => "live",
        StreamState.Reconnecting => "reconnecting",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static byte[] Write(string type, string value, string? reason)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteString("value", value);
            if (reason is not null)
            {
                json.WriteString("reason", reason);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Reads one client request: a single JSON object with a string <c>type</c> and an optional string
    /// <c>value</c>. go2rtc players also send requests LiveMux does not serve (webrtc/offer, mjpeg);
    /// those parse here and are skipped by the caller.
    /// </summary>
    public static bool TryParseClientMessage(ReadOnlySpan<byte> utf8, out string type, out string? value) =>
        TryParseClientMessage(utf8, out type, out value, out _);

    /// <summary>As above; a numeric <c>value</c> comes back as its JSON text in <paramref name="number"/>.</summary>
    public static bool TryParseClientMessage(ReadOnlySpan<byte> utf8, out string type, out string? value, out string? number)
    {
        type = "";
        value = null;
        number = null;
        if (utf8.Length > MaxClientMessageBytes)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 4 });
            using var doc = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                // ParseValue stops after the first value; a second one (or garbage, which throws) is not a request.
                return false;
            }

            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            type = typeElement.GetString() ?? "";
            if (root.TryGetProperty("value", out var valueElement))
            {
                value = valueElement.ValueKind == JsonValueKind.String ? valueElement.GetString() : null;
                number = valueElement.ValueKind == JsonValueKind.Number ? valueElement.GetRawText() : null;
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
