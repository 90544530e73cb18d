using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LiveMux.Hub;
using LiveMux.Server.Tests.Endpoints;
using Microsoft.Extensions.DependencyInjection;

namespace LiveMux.Server.Tests.Api;

/// <summary>Publish streams through the REST API: created, listed, replaced and deleted; the password is never in a response.</summary>
public sealed class PublishApiTests : IDisposable
{
    private const string Secret = "pub-Secret-9f3k";
    private const string Other = "another-Secret-77";
    private readonly LiveMuxFactory _factory = new();
    private readonly HttpClient _client;

    public PublishApiTests() => _client = _factory.CreateClient();

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task A_publish_stream_is_created_listed_replaced_and_deleted_without_its_password_in_any_response()
    {
        var responses = new List<string>();
        using var created = await _client.PostAsJsonAsync("/api/streams", new { name = "pub1", publish = true, publishPassword = Secret });
        responses.Add(await created.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = Parse(responses[^1]);
        Assert.True(body.GetProperty("publish").GetBoolean());
        Assert.Equal("/pub1", body.GetProperty("publishPath").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("publisher").ValueKind);
        Assert.True(body.GetProperty("hasCredentials").GetBoolean());
        Assert.True(body.GetProperty("settings").GetProperty("publish").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("url").ValueKind);

        // A publish stream runs without viewers: it waits for its publisher, and says so.
        var hub = _factory.Services.GetRequiredService<StreamHub>();
        Assert.True(hub.TryGet("pub1", out var stream));
        Assert.NotNull(stream.PublishTarget);
        await WaitAsync(() => stream.State == StreamState.Reconnecting, "the waiting state");
        responses.Add(await _client.GetStringAsync(new Uri("/api/streams/pub1", UriKind.Relative)));
        var waiting = Parse(responses[^1]);
        Assert.Equal("reconnecting", waiting.GetProperty("state").GetString());
        Assert.Equal("waiting for the publisher", waiting.GetProperty("error").GetString());

        responses.Add(await _client.GetStringAsync(new Uri("/api/streams", UriKind.Relative)));
        Assert.Contains("\"pub1\"", responses[^1]);

        // The streams file holds the password (configuration does), under the options' own key.
        Assert.Contains($"\"PublishPassword\": \"{Secret}\"", await File.ReadAllTextAsync(_factory.StreamsFile));

        // PUT without a password keeps the stored one; with one, replaces it.
        using var kept = await _client.PutAsJsonAsync("/api/streams/pub1", new { publish = true, mediaTimeout = "00:00:07" });
        responses.Add(await kept.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal("00:00:07", Parse(responses[^1]).GetProperty("settings").GetProperty("mediaTimeout").GetString());
        Assert.True(hub.TryGet("pub1", out var replaced));
        Assert.Equal(Secret, replaced.Options.PublishPassword);

        using var changed = await _client.PutAsJsonAsync("/api/streams/pub1", new { publish = true, publishPassword = Other });
        responses.Add(await changed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.True(hub.TryGet("pub1", out replaced));
        Assert.Equal(Other, replaced.Options.PublishPassword);

        using var deleted = await _client.DeleteAsync(new Uri("/api/streams/pub1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(hub.TryGet("pub1", out _));
        Assert.DoesNotContain("pub1", await File.ReadAllTextAsync(_factory.StreamsFile));

        foreach (var response in responses)
        {
            Assert.DoesNotContain(Secret, response);
            Assert.DoesNotContain(Other, response);
        }
    }

    [Fact]
    public async Task The_connected_publisher_is_shown_with_its_address_and_transport()
    {
        using (var created = await _client.PostAsJsonAsync("/api/streams", new { name = "pub2", publish = true, publishPassword = Secret }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.True(_factory.Services.GetRequiredService<StreamHub>().TryGet("pub2", out var stream));
        await WaitAsync(() => stream.State == StreamState.Reconnecting, "the waiting state");
        var h264 = new LiveMux.Media.Sdp.MediaTrack
        {
            MediaType = "video",
            PayloadType = 96,
            EncodingName = "H264",
            ClockRate = 90000,
            FormatParameters = new Dictionary<string, string> { ["packetization-mode"] = "1" },
        };
        var session = stream.PublishTarget!.TryBegin([h264], new LiveMux.Rtsp.Server.RtspPublisherInfo("192.0.2.7:5000"), _ => { }, out var refusal);
        Assert.Null(refusal);
        session!.OnRecord("udp");

        var publisher = Parse(await _client.GetStringAsync(new Uri("/api/streams/pub2", UriKind.Relative))).GetProperty("publisher");
        Assert.Equal("192.0.2.7:5000", publisher.GetProperty("address").GetString());
        Assert.Equal("udp", publisher.GetProperty("transport").GetString());
        Assert.True(publisher.GetProperty("since").GetDateTimeOffset() <= DateTimeOffset.UtcNow);

        session.End("TEARDOWN");
        var after = Parse(await _client.GetStringAsync(new Uri("/api/streams/pub2", UriKind.Relative)));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("publisher").ValueKind);
    }

    public static TheoryData<string, string, string> Invalid => new()
    {
        // body, the field, part of its message
        { "{\"name\":\"p\",\"publish\":true}", "publishPassword", "required with Publish=true" },
        { "{\"name\":\"p\",\"publish\":true,\"publishPassword\":\"short7!\"}", "publishPassword", "at least 8 characters" },
        { "{\"name\":\"p\",\"publish\":true,\"publishPassword\":\"" + Secret + "\",\"url\":\"rtsp://192.0.2.9/x\"}", "publish", "not several" },
        { "{\"name\":\"p\",\"publish\":true,\"publishPassword\":\"" + Secret + "\",\"ffmpeg\":{\"input\":\"rtsp://192.0.2.9/x\"}}", "publish", "not several" },
        { "{\"name\":\"p\",\"url\":\"rtsp://192.0.2.9/x\",\"publishPassword\":\"" + Secret + "\"}", "publishPassword", "only for a stream with Publish=true" },
        { "{\"name\":\"p\",\"publish\":true,\"publishPassword\":\"" + Secret + "\\n\"}", "publishPassword", "control characters" },
        { "{\"name\":\"p\",\"publish\":\"yes\",\"publishPassword\":\"" + Secret + "\"}", "publish", "wrong type" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Invalid_publish_settings_are_a_validation_problem_that_never_quotes_the_password(string body, string field, string message)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri("/api/streams", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = Parse(text).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no '{field}' in {errors}");
        Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains(message, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, text);
        Assert.DoesNotContain("short7!", text);
        Assert.False(_factory.Services.GetRequiredService<StreamHub>().TryGet("p", out _));
    }

    private static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(20);
        }
    }
}
