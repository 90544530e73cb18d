using System.Text;
using System.Text.Json;
using LiveMux.Hub;
using LiveMux.Server.Endpoints;

namespace LiveMux.Server.Tests.Endpoints;

/// <summary>The text frames of go2rtc's MSE protocol.</summary>
public sealed class ControlMessagesTests
{
    public static TheoryData<string, string, bool, string> Requests => new()
    {
        { "valid", """{"type":"mse","value":"avc1.640029,mp4a.40.2"}""", true, "avc1.640029,mp4a.40.2" },
        { "extra fields", """{"value":"avc1.640029","type":"mse","x":[1,2]}""", true, "avc1.640029" },
        { "no value", """{"type":"mse"}""", true, "" },
        { "empty value", """{"type":"mse","value":""}""", true, "" },
        { "value a number", """{"type":"mse","value":42}""", true, "" },
        { "value an object", """{"type":"mse","value":{"a":"avc1"}}""", true, "" },
        { "wrong type", """{"type":"webrtc","value":"avc1.640029"}""", false, "" },
        { "type case", """{"type":"MSE","value":"avc1.640029"}""", false, "" },
        { "type not a string", """{"type":1,"value":"avc1.640029"}""", false, "" },
        { "no type", """{"value":"avc1.640029"}""", false, "" },
        { "array", """[{"type":"mse","value":"avc1"}]""", false, "" },
        { "string", "\"mse\"", false, "" },
        { "not JSON", "mse avc1.640029", false, "" },
        { "truncated", """{"type":"mse","value":"avc1""", false, "" },
        { "empty", "", false, "" },
        { "two objects", """{"type":"mse","value":"avc1"}{"type":"mse","value":"hvc1"}""", false, "" },
        { "trailing whitespace", "{\"type\":\"mse\",\"value\":\"avc1\"} \r\n", true, "avc1" },
        { "trailing garbage", """{"type":"mse","value":"avc1"} x""", false, "" },
        { "deep nesting", "{\"type\":\"mse\",\"x\":" + new string('[', 100) + new string(']', 100) + "}", false, "" },
        { "nesting at the limit", """{"type":"mse","value":"avc1","x":[[[1]]]}""", true, "avc1" },
        { "over 4 KB", """{"type":"mse","value":""" + "\"" + new string('a', 4096) + "\"}", false, "" },
        { "4 KB exactly", """{"type":"mse","value":""" + "\"" + new string('a', 4096 - 27) + "\"}", true, new string('a', 4096 - 27) },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void An_mse_request_is_a_client_message_of_type_mse(string name, string json, bool ok, string codecs)
    {
        // As the handshake reads it: one client message, then its type, then its value as the codec list.
        var parsed = ControlMessages.TryParseClientMessage(Encoding.UTF8.GetBytes(json), out var type, out var value);
        Assert.True(ok == (parsed && type == "mse"), name);
        if (ok)
        {
            Assert.Equal(codecs, value ?? "");
        }
    }

    public static TheoryData<string, byte[], string, string, string?> Messages => new()
    {
        { "mse", ControlMessages.Mse("video/mp4; codecs=\"avc1.4D401F\""), "mse", "video/mp4; codecs=\"avc1.4D401F\"", null },
        { "error", ControlMessages.Error("unknown stream 'a\"b\\c'\n<script>"), "error", "unknown stream 'a\"b\\c'\n<script>", null },
        { "status", ControlMessages.Status(new StreamEvent(StreamState.Reconnecting, "camera said \"401\"")), "status", "reconnecting", "camera said \"401\"" },
        { "live", ControlMessages.Status(new StreamEvent(StreamState.Live)), "status", "live", null },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Messages_are_json_objects_with_escaped_strings(string name, byte[] utf8, string type, string value, string? reason)
    {
        using var doc = JsonDocument.Parse(utf8);
        var root = doc.RootElement;
        Assert.Equal(type, root.GetProperty("type").GetString());
        Assert.Equal(value, root.GetProperty("value").GetString());
        Assert.Equal(reason, root.TryGetProperty("reason", out var r) ? r.GetString() : null);
        Assert.Equal(reason is null ? 2 : 3, root.EnumerateObject().Count());
        Assert.True(utf8.Length > 0, name);
    }

    [Fact]
    public void The_mse_reply_has_the_exact_go2rtc_shape()
    {
        var json = Encoding.UTF8.GetString(ControlMessages.Mse("video/mp4; codecs=\"avc1.4D401F\""));
        Assert.Equal("{\"type\":\"mse\",\"value\":\"video/mp4; codecs=\\u0022avc1.4D401F\\u0022\"}", json);
    }

    // The hub's typed events, byte for byte what the WebSocket sent when the hub still carried the JSON's strings.
    public static TheoryData<StreamEvent, string> StatusBytes => new()
    {
        { new StreamEvent(StreamState.Live), "{\"type\":\"status\",\"value\":\"live\"}" },
        { new StreamEvent(StreamState.Reconnecting, "no media from the camera"), "{\"type\":\"status\",\"value\":\"reconnecting\",\"reason\":\"no media from the camera\"}" },
        { new StreamEvent(StreamState.Reconnecting, "camera said \"401\""), "{\"type\":\"status\",\"value\":\"reconnecting\",\"reason\":\"camera said \\u0022401\\u0022\"}" },
    };

    [Theory]
    [MemberData(nameof(StatusBytes))]
    public void Status_events_have_the_exact_wire_shape(StreamEvent e, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(ControlMessages.Status(e)));
}
