using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using LiveMux.Server.Endpoints;

namespace LiveMux.Server.Tests.Endpoints;

/// <summary>The clock-sync exchange: {"type":"time","value":n} answered with n echoed and the server's Unix ms.</summary>
public sealed class ClockSyncTests(DemoStreamTests.DemoFactory factory) : IClassFixture<DemoStreamTests.DemoFactory>
{
    public static TheoryData<string, string, bool, string> Requests => new()
    {
        { "integer", """{"type":"time","value":1764000000123}""", true, "1764000000123" },
        { "fraction", """{"type":"time","value":1764000000123.456}""", true, "1764000000123.456" },
        { "exponent, kept as written", """{"value":1.5e3,"type":"time"}""", true, "1.5e3" },
        { "negative", """{"type":"time","value":-1}""", true, "-1" },
        { "value a string", """{"type":"time","value":"1764000000123"}""", false, "" },
        { "no value", """{"type":"time"}""", false, "" },
        { "other type", """{"type":"mse","value":1}""", false, "" },
        { "type case", """{"type":"TIME","value":1}""", false, "" },
        { "too many digits", """{"type":"time","value":123456789012345678901234567890123}""", false, "" },
        { "overflows a double", """{"type":"time","value":1e400}""", false, "" },
        { "two objects", """{"type":"time","value":1}{"type":"time","value":2}""", false, "" },
        { "not JSON", "time 1", false, "" },
        { "too long", "{\"type\":\"time\",\"value\":1,\"pad\":\"" + new string('x', 5000) + "\"}", false, "" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Parses_time_requests(string name, string json, bool ok, string number)
    {
        Assert.True(ClockSync.TryParseRequest(Encoding.UTF8.GetBytes(json), out var parsed) == ok, name);
        Assert.Equal(number, parsed);
    }

    [Fact]
    public void The_reply_echoes_the_number_and_stamps_the_clock_in_fractional_unix_ms()
    {
        var time = new ManualTime { Now = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000).AddTicks(2_500) };
        var reply = JsonDocument.Parse(new ClockSync(time).Reply("1.5e3")).RootElement;
        Assert.Equal("time", reply.GetProperty("type").GetString());
        Assert.Equal("1.5e3", reply.GetProperty("value").GetRawText());
        Assert.Equal(1_764_000_000_000.25, reply.GetProperty("server").GetDouble());
    }

    [Fact]
    public void At_most_20_a_second_are_admitted()
    {
        var time = new ManualTime();
        var clock = new ClockSync(time);
        Assert.Equal(20, Enumerable.Range(0, 100).Count(_ => clock.TryAdmit()));
        time.Timestamp += time.TimestampFrequency / 2;
        Assert.False(clock.TryAdmit()); // the same second
        time.Timestamp += time.TimestampFrequency / 2;
        Assert.Equal(20, Enumerable.Range(0, 30).Count(_ => clock.TryAdmit()));
    }

    [Fact]
    public async Task A_viewer_gets_answers_between_fragments_and_a_flood_is_cut_to_the_limit()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var socket = await factory.Server.CreateWebSocketClient().ConnectAsync(new Uri(factory.Server.BaseAddress, "/api/ws?src=demo"), cts.Token);
        await socket.SendAsync("{\"type\":\"mse\",\"value\":\"avc1.640029\"}"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);

        var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 0.5;
        for (var i = 0; i < 60; i++)
        {
            var json = i == 0 ? $"{{\"type\":\"time\",\"value\":{sent:R}}}" : $"{{\"type\":\"time\",\"value\":{i}}}";
            await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cts.Token);
        }

        // Fragments keep flowing around the answers; count answers for a second after the flood.
        var answers = new List<JsonElement>();
        var binaries = 0;
        var buffer = new byte[1 << 20];
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        window.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await socket.ReceiveAsync(buffer.AsMemory(length), window.Token);
                    length += r.Count;
                }
                while (!r.EndOfMessage);

                if (r.MessageType == WebSocketMessageType.Binary)
                {
                    binaries++;
                    continue;
                }

                var msg = JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
                if (msg.GetProperty("type").GetString() == "time")
                {
                    answers.Add(msg);
                }
            }
        }
        catch (OperationCanceledException) when (!cts.IsCancellationRequested)
        {
        }

        Assert.True(binaries > 3, $"{binaries} fragments");
        Assert.InRange(answers.Count, 20, 40); // 20 in the flood's second (two windows at most if it straddled)
        var first = answers[0];
        Assert.Equal(sent, first.GetProperty("value").GetDouble());
        Assert.InRange(first.GetProperty("server").GetDouble() - sent, -2000, 2000);
    }

    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

        public long Timestamp { get; set; } = 1_000_000;

        public override DateTimeOffset GetUtcNow() => Now;

        public override long GetTimestamp() => Timestamp;
    }
}
