using System.Globalization;
using System.Text.Json;

namespace LiveMux.Server.Endpoints;

/// <summary>
/// Clock sync over the viewer's WebSocket, so the player can put the server's prft times on its own clock:
/// <code>
/// client: {"type":"time","value":1764000000123.5}                      its clock, ms, sent at t0
/// server: {"type":"time","value":1764000000123.5,"server":1764000000140.25}   the number echoed as sent
/// client: at t1, offset = server - (t0 + t1) / 2, over the round trip t1 - t0
/// </code>
/// At most <see cref="MaxPerSecond"/> requests a second per viewer are answered; the rest are ignored.
/// </summary>
internal sealed class ClockSync(TimeProvider time)
{
    public const int MaxPerSecond = 20;

    /// <summary>Longer than any number a browser writes (17 significant digits, sign, exponent).</summary>
    private const int MaxNumberLength = 32;

    private long _windowStart;
    private bool _windowOpen;
    private int _answered;

    /// <summary>
    /// Reads <c>{"type":"time","value":&lt;number&gt;}</c>; <paramref name="number"/> is the number's JSON text,
    /// echoed unchanged so the client matches the answer to its request without float rounding.
    /// </summary>
    public static bool TryParseRequest(ReadOnlySpan<byte> utf8, out string number)
    {
        number = "";
        if (!ControlMessages.TryParseClientMessage(utf8, out var type, out _, out var raw) || type != "time"
            || raw is null || raw.Length > MaxNumberLength
            || !double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !double.IsFinite(parsed))
        {
            return false;
        }

        number = raw;
        return true;
    }

    /// <summary>Whether this request may be answered: a fixed one-second window, <see cref="MaxPerSecond"/> answers in it.</summary>
    public bool TryAdmit()
    {
        var now = time.GetTimestamp();
        if (!_windowOpen || now - _windowStart >= time.TimestampFrequency)
        {
            _windowOpen = true;
            _windowStart = now;
            _answered = 0;
        }

        return ++_answered <= MaxPerSecond;
    }

    /// <summary>The answer, stamped now: take it right before the send, after waiting for the socket.</summary>
    public byte[] Reply(string number)
    {
        var serverMs = (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerMillisecond;
        using var buffer = new MemoryStream(96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "time");
            json.WritePropertyName("value");
            json.WriteRawValue(number, skipInputValidation: false);
            json.WriteNumber("server", serverMs);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
