using System.Text.Json;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary><c>--log-format json</c>: every line is a JSON object, stream events name their stream, no camera password leaks.</summary>
[Collection("e2e")]
public sealed class StructuredLogTests(ITestOutputHelper output)
{
    private const string Password = "s3cret-Camera-pw";

    [Fact]
    public async Task Json_logs_carry_the_stream_name_and_never_the_camera_password()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "15", "--user", "admin", "--password", Password);
        string log;
        await using (var server = await LiveMuxProcess.StartAsync("--log-format", "json", $"--LiveMux:Streams:cam:Url={camera.Url("admin", Password)}"))
        {
            await using var viewer = await WsViewer.ConnectAsync(server.WebSocketUrl("cam"));
            await viewer.WaitForAsync(v => v.BinaryMessages > 5, TimeSpan.FromSeconds(15), "frames");
            await server.TerminateAsync(TimeSpan.FromSeconds(15));
            log = server.Log;
        }

        var events = log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToList();
        output.WriteLine($"{events.Count} JSON log lines");
        foreach (var e in events)
        {
            Assert.True(e.TryGetProperty("Category", out _), e.ToString());
            Assert.True(e.TryGetProperty("EventId", out _), e.ToString());
            Assert.True(e.TryGetProperty("LogLevel", out _), e.ToString());
            Assert.True(e.TryGetProperty("Message", out _), e.ToString());
        }

        // A hub event names the stream in its own state: "Stream cam: live, ..." (HubLog 2002).
        Assert.Contains(events, e => e.GetProperty("EventId").GetInt32() == 2002 && State(e, "Stream") == "cam");

        // An RTSP client event knows only the (redacted) URL; the stream's scope adds the name.
        var rtsp = events.Where(e => e.GetProperty("Category").GetString()!.StartsWith("LiveMux.Rtsp.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rtsp);
        Assert.All(rtsp, e => Assert.Contains(e.GetProperty("Scopes").EnumerateArray(), s => s.TryGetProperty("Stream", out var n) && n.GetString() == "cam"));

        Assert.DoesNotContain(Password, log, StringComparison.Ordinal);
    }

    private static JsonElement Parse(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"not one JSON object per line: {line}\n{e.Message}");
        }
    }

    private static string? State(JsonElement e, string name) =>
        e.TryGetProperty("State", out var state) && state.TryGetProperty(name, out var value) ? value.ToString() : null;
}
