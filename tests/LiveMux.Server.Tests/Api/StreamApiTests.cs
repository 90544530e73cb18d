using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiveMux.Server.Tests.Endpoints;

namespace LiveMux.Server.Tests.Api;

/// <summary>The REST API in-process: CRUD, conflicts, credentials and persistence in the streams file.</summary>
public sealed class StreamApiTests : IDisposable
{
    private const string Secret = "s3cr3t-P@ss:w/rd";
    private readonly LiveMuxFactory _factory = new();
    private readonly HttpClient _client;

    public StreamApiTests() => _client = _factory.CreateClient();

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task A_stream_is_added_read_changed_and_deleted()
    {
        using var created = await PostAsync(new { name = "cam2", url = "rtsp://192.0.2.2/live", transport = "udp", idleTimeout = "00:00:10" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/streams/cam2", created.Headers.Location?.OriginalString);
        var body = await JsonAsync(created);
        Assert.Equal("cam2", body.GetProperty("name").GetString());
        Assert.Equal("api", body.GetProperty("managed").GetString());
        Assert.Equal("rtsp://192.0.2.2/live", body.GetProperty("url").GetString());
        Assert.False(body.GetProperty("hasCredentials").GetBoolean());
        Assert.Equal("udp", body.GetProperty("settings").GetProperty("transport").GetString());
        Assert.Equal("00:00:10", body.GetProperty("settings").GetProperty("idleTimeout").GetString());

        var list = await ListAsync();
        Assert.Equal(["cam1", "cam2"], list.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(["config", "api"], list.Select(s => s.GetProperty("managed").GetString()));

        // PUT replaces every setting: the omitted transport and idle timeout return to their defaults.
        using var changed = await _client.PutAsJsonAsync("/api/streams/cam2", new { url = "rtsp://192.0.2.3/other", alwaysOn = false });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var settings = (await JsonAsync(changed)).GetProperty("settings");
        Assert.Equal("rtsp://192.0.2.3/other", settings.GetProperty("url").GetString());
        Assert.Equal("tcp", settings.GetProperty("transport").GetString());
        Assert.Equal("00:00:30", settings.GetProperty("idleTimeout").GetString());
        Assert.Equal("rtsp://192.0.2.3/other", (await GetAsync("cam2")).GetProperty("url").GetString());

        using var deleted = await _client.DeleteAsync(new Uri("/api/streams/cam2", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await _client.GetAsync(new Uri("/api/streams/cam2", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(["cam1"], (await ListAsync()).Select(s => s.GetProperty("name").GetString()));
        Assert.DoesNotContain("cam2", await File.ReadAllTextAsync(_factory.StreamsFile));
    }

    public static TheoryData<string, string, string> Missing => new()
    {
        { "GET", "/api/streams/nope", "" },
        { "PUT", "/api/streams/nope", "{\"url\":\"rtsp://192.0.2.9/x\"}" },
        { "DELETE", "/api/streams/nope", "" },
    };

    [Theory]
    [MemberData(nameof(Missing))]
    public async Task An_unknown_stream_is_a_404_problem(string method, string path, string body)
    {
        using var response = await SendAsync(method, path, body);
        await AssertProblemAsync(response, HttpStatusCode.NotFound, "unknown stream 'nope'");
    }

    public static TheoryData<string, string, string, string> Conflicts => new()
    {
        { "POST", "/api/streams", "{\"name\":\"cam1\",\"url\":\"rtsp://192.0.2.9/x\"}", "exists" },
        { "POST", "/api/streams", "{\"name\":\"cam2\",\"url\":\"rtsp://192.0.2.9/x\"}", "exists" },
        { "PUT", "/api/streams/cam1", "{\"url\":\"rtsp://192.0.2.9/x\"}", "comes from configuration" },
        { "DELETE", "/api/streams/cam1", "", "comes from configuration" },
        { "PUT", "/api/streams/cam2~h264", "{\"url\":\"rtsp://192.0.2.9/x\"}", "not managed through the API" },
        { "DELETE", "/api/streams/cam2~h264", "", "not managed through the API" },
    };

    [Theory]
    [MemberData(nameof(Conflicts))]
    public async Task Existing_names_and_streams_the_api_does_not_own_are_a_409_problem(string method, string path, string body, string detail)
    {
        using (var setup = await PostAsync(new { name = "cam2", url = "rtsp://192.0.2.2/live", transcodeFallback = true }))
        {
            Assert.Equal(HttpStatusCode.Created, setup.StatusCode);
        }

        using var response = await SendAsync(method, path, body);
        await AssertProblemAsync(response, HttpStatusCode.Conflict, detail);
        Assert.Equal(["cam1", "cam2", "cam2~h264"], (await ListAsync()).Select(s => s.GetProperty("name").GetString()));
    }

    public static TheoryData<string, string, string, string> Invalid => new()
    {
        // method, body, the field, part of its message
        { "POST", "{\"url\":\"rtsp://192.0.2.9/x\"}", "name", "required" },
        { "POST", "{\"name\":\"bad name\",\"url\":\"rtsp://192.0.2.9/x\"}", "name", "stream names use letters" },
        { "POST", "{\"name\":\"a~h264\",\"url\":\"rtsp://192.0.2.9/x\"}", "name", "stream names use letters" },
        { "POST", "{\"name\":\"x\",\"url\":\"http://192.0.2.9/x\"}", "url", "must start with rtsp://" },
        { "POST", "{\"name\":\"x\"}", "url", "Url is required" },
        { "POST", "{\"name\":\"x\",\"url\":\"rtsp://192.0.2.9/x\",\"ffmpeg\":{\"input\":\"clip.mp4\"}}", "url", "not both" },
        { "POST", "{\"name\":\"x\",\"url\":\"rtsp://192.0.2.9/x\",\"transport\":\"quic\"}", "transport", "tcp, udp or auto" },
        { "POST", "{\"name\":\"x\",\"url\":\"rtsp://192.0.2.9/x\",\"idleTimeout\":\"30s\"}", "idleTimeout", "TimeSpan" },
        { "POST", "{\"name\":\"x\",\"url\":\"rtsp://192.0.2.9/x\",\"mediaTimeout\":\"-00:00:01\"}", "mediaTimeout", "positive time span" },
        { "POST", "{\"name\":\"x\",\"ffmpeg\":{\"input\":\"clip.mp4\",\"video\":\"vp9\"}}", "ffmpeg.video", "FfmpegVideo" },
        { "POST", "{\"name\":\"x\",\"ffmpeg\":{\"input\":\"clip.mp4\",\"inputOptions\":\"-i other.mp4\"}}", "ffmpeg.inputOptions", "must not contain -i" },
        { "POST", "{\"name\":\"x\",\"ffmpeg\":{\"input\":\"clip.mp4\"},\"password\":\"p\"}", "password", "credentials go with a camera url" },
        { "POST", "{\"name\":\"x\",\"url\":\"rtsp://192.0.2.9/x\",\"alwaysOn\":\"yes\"}", "alwaysOn", "wrong type" },
        { "POST", "{\"name\":\"x\",\"url\":\"rtsp://192.0.2.9/x\",\"transprot\":\"udp\"}", "transprot", "unknown field" },
        { "POST", "{\"name\":\"x\",\"url\":\"rtsp://192.0.2.9/x\",\"ffmpeg\":{\"vidoe\":\"h264\"}}", "ffmpeg.vidoe", "unknown field" },
        { "POST", "not json", "body", "not a JSON object" },
        { "POST", "[1,2]", "body", "not a JSON object" },
        { "PUT", "{\"name\":\"other\",\"url\":\"rtsp://192.0.2.9/x\"}", "name", "cannot be renamed" },
        { "PUT", "{\"url\":\"rtsp://192.0.2.9/x\",\"reconnectInitialDelay\":\"00:00:09\"}", "reconnectMaxDelay", "at least ReconnectInitialDelay" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Invalid_input_is_a_validation_problem_keyed_by_field_and_changes_nothing(string method, string body, string field, string message)
    {
        using (var setup = await PostAsync(new { name = "cam2", url = "rtsp://192.0.2.2/live", username = "bob", password = Secret }))
        {
            Assert.Equal(HttpStatusCode.Created, setup.StatusCode);
        }

        var before = await File.ReadAllTextAsync(_factory.StreamsFile);
        using var response = await SendAsync(method, method == "PUT" ? "/api/streams/cam2" : "/api/streams", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await JsonAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no '{field}' in {errors}");
        Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains(message, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, problem.GetRawText());
        Assert.Equal(before, await File.ReadAllTextAsync(_factory.StreamsFile));
        Assert.Equal(["cam1", "cam2"], (await ListAsync()).Select(s => s.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Credentials_are_stored_in_the_file_and_never_shown()
    {
        var responses = new List<string>();
        async Task<JsonElement> Read(HttpResponseMessage response)
        {
            var text = await response.Content.ReadAsStringAsync();
            responses.Add(text);
            Assert.True(response.IsSuccessStatusCode, text);
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        // In the URL's user information.
        using (var r = await PostAsync(new { name = "a", url = $"rtsp://alice:{Uri.EscapeDataString(Secret)}@192.0.2.2/live" }))
        {
            var a = await Read(r);
            Assert.True(a.GetProperty("hasCredentials").GetBoolean());
            Assert.Equal("rtsp://192.0.2.2/live", a.GetProperty("url").GetString());
        }

        // As fields.
        using (var r = await PostAsync(new { name = "b", url = "rtsp://192.0.2.3/live", username = "bob", password = Secret }))
        {
            Assert.True((await Read(r)).GetProperty("hasCredentials").GetBoolean());
        }

        Assert.Contains(Uri.EscapeDataString(Secret), await File.ReadAllTextAsync(_factory.StreamsFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_factory.StreamsFile));
        }

        // PUT without credentials keeps them; a new URL without user information keeps them too.
        using (var r = await _client.PutAsJsonAsync("/api/streams/b", new { url = "rtsp://192.0.2.4/live", transport = "udp" }))
        {
            Assert.True((await Read(r)).GetProperty("hasCredentials").GetBoolean());
        }

        Assert.Contains("rtsp://bob:" + Uri.EscapeDataString(Secret) + "@192.0.2.4/live", await File.ReadAllTextAsync(_factory.StreamsFile));

        // A new password only: the user name stays.
        using (var r = await _client.PutAsJsonAsync("/api/streams/b", new { url = "rtsp://192.0.2.4/live", password = "other" }))
        {
            await Read(r);
        }

        Assert.Contains("rtsp://bob:other@192.0.2.4/live", await File.ReadAllTextAsync(_factory.StreamsFile));

        // Empty strings clear them.
        using (var r = await _client.PutAsJsonAsync("/api/streams/b", new { url = "rtsp://192.0.2.4/live", username = "", password = "" }))
        {
            Assert.False((await Read(r)).GetProperty("hasCredentials").GetBoolean());
        }

        Assert.Contains("\"rtsp://192.0.2.4/live\"", await File.ReadAllTextAsync(_factory.StreamsFile));

        using (var r = await _client.GetAsync(new Uri("/api/streams", UriKind.Relative)))
        {
            await Read(r);
        }

        using (var r = await _client.GetAsync(new Uri("/api/streams/a", UriKind.Relative)))
        {
            await Read(r);
        }

        foreach (var text in responses)
        {
            Assert.DoesNotContain(Secret, text);
            Assert.DoesNotContain(Uri.EscapeDataString(Secret), text);
            Assert.DoesNotContain("alice", text);
            Assert.DoesNotContain("bob", text);
            Assert.DoesNotContain(LiveMuxFactory.Password, text);
        }
    }

    [Fact]
    public async Task Query_secrets_and_ffmpeg_inputs_are_shown_redacted_and_an_echo_of_them_keeps_the_stored_values()
    {
        var query = $"rtsp://192.0.2.5/cam/realmonitor?channel=1&user=admin&password={Uri.EscapeDataString(Secret)}";
        var ffmpegInput = $"rtsp://carol:{Uri.EscapeDataString(Secret)}@192.0.2.6/live";
        using (var r = await PostAsync(new { name = "q", url = query }))
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }

        using (var r = await PostAsync(new { name = "f", ffmpeg = new { input = ffmpegInput } }))
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }

        var q = await GetAsync("q");
        var f = await GetAsync("f");
        Assert.DoesNotContain(Uri.EscapeDataString(Secret), q.GetRawText() + f.GetRawText());
        var shownUrl = q.GetProperty("settings").GetProperty("url").GetString();
        Assert.Equal("rtsp://192.0.2.5/cam/realmonitor?channel=1&user=admin&password=***", shownUrl);
        Assert.Equal(shownUrl, q.GetProperty("url").GetString());
        var shownInput = f.GetProperty("settings").GetProperty("ffmpeg").GetProperty("input").GetString();
        Assert.Equal("rtsp://***:***@192.0.2.6/live", shownInput);

        // What an edit dialog sends back: the shown values, with one setting changed.
        using (var r = await _client.PutAsJsonAsync("/api/streams/q", new { url = shownUrl, transport = "udp" }))
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }

        using (var r = await _client.PutAsJsonAsync("/api/streams/f", new { ffmpeg = new { input = shownInput, video = "h264" } }))
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }

        using (var file = JsonDocument.Parse(await File.ReadAllTextAsync(_factory.StreamsFile)))
        {
            var streams = file.RootElement.GetProperty("LiveMux").GetProperty("Streams");
            Assert.Equal(query, streams.GetProperty("q").GetProperty("Url").GetString());
            Assert.Equal(ffmpegInput, streams.GetProperty("f").GetProperty("Ffmpeg").GetProperty("Input").GetString());
        }

        Assert.Equal("udp", (await GetAsync("q")).GetProperty("settings").GetProperty("transport").GetString());

        // A different URL replaces the stored one, query and all.
        using (var r = await _client.PutAsJsonAsync("/api/streams/q", new { url = "rtsp://192.0.2.7/live" }))
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }

        Assert.DoesNotContain("realmonitor", await File.ReadAllTextAsync(_factory.StreamsFile));
    }

    [Fact]
    public async Task Streams_added_through_the_api_survive_a_restart()
    {
        var directory = Directory.CreateTempSubdirectory("livemux-restart-");
        var path = Path.Combine(directory.FullName, "streams.json");
        try
        {
            await using (var first = LiveMuxFactory.WithStreamsFile(path))
            {
                using var client = first.CreateClient();
                using var r = await client.PostAsJsonAsync("/api/streams", new { name = "kept", url = $"rtsp://carol:{Uri.EscapeDataString(Secret)}@192.0.2.5/live", transport = "auto" });
                Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            }

            await using var restarted = LiveMuxFactory.WithStreamsFile(path);
            using var again = restarted.CreateClient();
            var kept = JsonDocument.Parse(await again.GetStringAsync(new Uri("/api/streams/kept", UriKind.Relative))).RootElement;
            Assert.Equal("api", kept.GetProperty("managed").GetString());
            Assert.Equal("auto", kept.GetProperty("settings").GetProperty("transport").GetString());
            Assert.True(kept.GetProperty("hasCredentials").GetBoolean());
            Assert.Equal("rtsp://192.0.2.5/live", kept.GetProperty("url").GetString());

            // Still the API's to change after the restart.
            using var deleted = await again.DeleteAsync(new Uri("/api/streams/kept", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_hand_edit_of_the_streams_file_is_applied_and_a_broken_one_is_not()
    {
        await File.WriteAllTextAsync(_factory.StreamsFile, "{\"LiveMux\":{\"Streams\":{\"hand\":{\"Url\":\"rtsp://192.0.2.6/live\"}}}}");
        _ = _factory.Server; // started after the write or before: either way the file is read
        await WaitAsync(async () => (await ListAsync()).Any(s => s.GetProperty("name").GetString() == "hand"), "the hand-added stream");

        await File.WriteAllTextAsync(_factory.StreamsFile, "{\"LiveMux\":{\"Streams\":{\"hand\":{\"Url\":\"rtsp://192.0.2.7/live\"}}}}");
        await WaitAsync(async () => (await GetAsync("hand")).GetProperty("url").GetString() == "rtsp://192.0.2.7/live", "the edited URL");

        // Half-written JSON: the running streams stay as they are.
        await File.WriteAllTextAsync(_factory.StreamsFile, "{\"LiveMux\":{\"Streams\":{\"hand\":");
        await Task.Delay(1000);
        Assert.Equal("rtsp://192.0.2.7/live", (await GetAsync("hand")).GetProperty("url").GetString());

        await File.WriteAllTextAsync(_factory.StreamsFile, "{}");
        await WaitAsync(async () => (await ListAsync()).Count == 1, "the stream's removal");
    }

    [Fact]
    public async Task A_hand_edit_saved_with_a_byte_order_mark_is_applied_and_kept_by_the_next_post()
    {
        _ = _factory.Server;
        await File.WriteAllTextAsync(_factory.StreamsFile, "{\"LiveMux\":{\"Streams\":{\"bom\":{\"Url\":\"rtsp://192.0.2.6/live\"}}}}", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        await WaitAsync(async () => (await ListAsync()).Any(s => s.GetProperty("name").GetString() == "bom"), "the stream of a file with a BOM");

        using (var created = await PostAsync(new { name = "after", url = "rtsp://192.0.2.3/live" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.Equal(["after", "bom", "cam1"], (await ListAsync()).Select(s => s.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_hand_edit_just_before_a_post_is_kept_in_the_file_and_applied_with_it()
    {
        using (var first = await PostAsync(new { name = "api1", url = "rtsp://192.0.2.2/live" }))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        // A stream added by hand to what the API wrote; the next write may come before the watcher reads the
        // edit. Either way, once the write is answered the hand-added stream runs and the file still holds it.
        var edited = JsonNode.Parse(await File.ReadAllTextAsync(_factory.StreamsFile))!;
        edited["LiveMux"]!["Streams"]!["hand"] = new JsonObject { ["Url"] = "rtsp://192.0.2.6/live" };
        await File.WriteAllTextAsync(_factory.StreamsFile, edited.ToJsonString());
        using (var second = await PostAsync(new { name = "api2", url = "rtsp://192.0.2.3/live" }))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        }

        Assert.Equal(["api1", "api2", "cam1", "hand"], (await ListAsync()).Select(s => s.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("api", (await GetAsync("hand")).GetProperty("managed").GetString());
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(_factory.StreamsFile));
        Assert.Equal(["api1", "api2", "hand"], file.RootElement.GetProperty("LiveMux").GetProperty("Streams").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_companion_of_a_stream_is_listed_with_its_parent()
    {
        using (var r = await PostAsync(new { name = "hevc", url = "rtsp://192.0.2.8/live", transcodeFallback = true }))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        var companion = Assert.Single(await ListAsync(), s => s.GetProperty("name").GetString() == "hevc~h264");
        Assert.Equal("hevc", companion.GetProperty("companionOf").GetString());
        Assert.Equal("api", companion.GetProperty("managed").GetString());
        Assert.Equal(JsonValueKind.Null, companion.GetProperty("settings").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await GetAsync("hevc")).GetProperty("companionOf").ValueKind);

        using (var r = await _client.DeleteAsync(new Uri("/api/streams/hevc", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }

        Assert.Equal(["cam1"], (await ListAsync()).Select(s => s.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task The_openapi_document_lists_every_endpoint_and_describes_the_records()
    {
        using var doc = JsonDocument.Parse(await _client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var paths = doc.RootElement.GetProperty("paths");
        var expected = new Dictionary<string, string[]>
        {
            ["/api/streams"] = ["get", "post"],
            ["/api/streams/{name}"] = ["get", "put", "delete"],
        };
        foreach (var (path, methods) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} missing");
            foreach (var method in methods)
            {
                Assert.True(item.TryGetProperty(method, out _), $"{method} {path} missing");
            }
        }

        var post = paths.GetProperty("/api/streams").GetProperty("post");
        Assert.Contains("StreamInput", post.GetProperty("requestBody").GetRawText());
        foreach (var status in new[] { "201", "400", "409" })
        {
            Assert.True(post.GetProperty("responses").TryGetProperty(status, out _), $"POST has no {status} response");
        }

        var schemas = doc.RootElement.GetProperty("components").GetProperty("schemas");
        var input = schemas.GetProperty("StreamInput").GetProperty("properties");
        foreach (var field in new[] { "name", "url", "username", "password", "transport", "idleTimeout", "ffmpeg" })
        {
            Assert.True(input.TryGetProperty(field, out _), $"StreamInput.{field} missing");
        }

        var view = schemas.GetProperty("StreamView").GetProperty("properties");
        foreach (var field in new[] { "name", "state", "managed", "hasCredentials", "companionOf", "url", "counters" })
        {
            Assert.True(view.TryGetProperty(field, out _), $"StreamView.{field} missing");
        }

        Assert.False(view.TryGetProperty("password", out _));
    }

    private Task<HttpResponseMessage> PostAsync(object body) => _client.PostAsJsonAsync("/api/streams", body);

    private Task<HttpResponseMessage> SendAsync(string method, string path, string body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body.Length > 0)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return _client.SendAsync(request);
    }

    private async Task<List<JsonElement>> ListAsync()
    {
        using var doc = JsonDocument.Parse(await _client.GetStringAsync(new Uri("/api/streams", UriKind.Relative)));
        return [.. doc.RootElement.GetProperty("streams").EnumerateArray().Select(e => e.Clone())];
    }

    private async Task<JsonElement> GetAsync(string name)
    {
        using var doc = JsonDocument.Parse(await _client.GetStringAsync(new Uri($"/api/streams/{name}", UriKind.Relative)));
        return doc.RootElement.Clone();
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await JsonAsync(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(100);
        }
    }
}
