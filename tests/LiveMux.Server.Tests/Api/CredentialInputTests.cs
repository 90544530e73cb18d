using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LiveMux.Server.Tests.Endpoints;

namespace LiveMux.Server.Tests.Api;

/// <summary>
/// The password table through the API: passwords with / ? # @ ' " % spaces and non-ASCII are accepted in the
/// username/password fields and percent-encoded in a url, refused as typed in a url (a field error on url that does
/// not quote them), and never shown back. Control characters are refused everywhere.
/// </summary>
public sealed class CredentialInputTests : IDisposable
{
    public static readonly TheoryData<string> Passwords =
    [
        "p/ss?w#rd-1", "p@ss@word-2", "it's \"quoted\" 3", "100% sure 4", "with spaces 5", "pässwörd-6", "a:b:c-7",
    ];

    private readonly LiveMuxFactory _factory = new();
    private readonly HttpClient _client;

    public CredentialInputTests() => _client = _factory.CreateClient();

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Theory]
    [MemberData(nameof(Passwords))]
    public async Task A_password_is_accepted_in_the_fields_and_encoded_refused_as_typed_and_never_shown(string password)
    {
        var bodies = new List<string>();
        using (var fields = await _client.PostAsJsonAsync("/api/streams", new { name = "fields", url = "rtsp://192.0.2.2/live", username = "admin", password }))
        {
            bodies.Add(await fields.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Created, fields.StatusCode);
        }

        using (var encoded = await _client.PostAsJsonAsync("/api/streams", new { name = "encoded", url = $"rtsp://admin:{Uri.EscapeDataString(password)}@192.0.2.2/live" }))
        {
            bodies.Add(await encoded.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Created, encoded.StatusCode);
        }

        using (var typed = await _client.PostAsJsonAsync("/api/streams", new { name = "typed", url = $"rtsp://admin:{password}@192.0.2.2/live" }))
        {
            var body = await typed.Content.ReadAsStringAsync();
            bodies.Add(body);
            if (password.Any(c => "/?#@'\" %".Contains(c, StringComparison.Ordinal)))
            {
                Assert.Equal(HttpStatusCode.BadRequest, typed.StatusCode);
                var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
                Assert.Contains("username and password fields", errors.GetProperty("url")[0].GetString(), StringComparison.Ordinal);
            }
        }

        // The file holds them, encoded once, for the RTSP client to read back.
        var file = await File.ReadAllTextAsync(_factory.StreamsFile);
        Assert.Contains(JsonSerializer.Serialize($"rtsp://admin:{Uri.EscapeDataString(password)}@192.0.2.2/live"), file, StringComparison.Ordinal);

        bodies.Add(await _client.GetStringAsync(new Uri("/api/streams", UriKind.Relative)));
        var all = string.Join('\n', bodies);
        foreach (var form in new[] { password, Uri.EscapeDataString(password), JsonSerializer.Serialize(password)[1..^1] })
        {
            Assert.DoesNotContain(form, all, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("username", "admin\r\nX-Injected: 1")]
    [InlineData("username", "admin\u0000")]
    [InlineData("password", "pw\n")]
    [InlineData("password", "pw\u007f")]
    public async Task Control_characters_in_credentials_are_refused(string field, string value)
    {
        var body = new Dictionary<string, string> { ["name"] = "ctl", ["url"] = "rtsp://192.0.2.2/live", ["username"] = "admin", ["password"] = "pw", [field] = value };
        using var response = await _client.PostAsJsonAsync("/api/streams", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("control characters", errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_characters_encoded_in_a_url_are_refused()
    {
        using var response = await _client.PostAsJsonAsync("/api/streams", new { name = "ctl", url = "rtsp://admin%0D%0AX-Injected:%201:pw@192.0.2.2/live" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("control character", errors.GetProperty("url")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Passwords))]
    public async Task An_ffmpeg_input_is_shown_without_its_password_and_an_echo_keeps_it(string password)
    {
        var input = $"rtsp://admin:{password}@192.0.2.2/live";
        using (var created = await _client.PostAsJsonAsync("/api/streams", new { name = "f", ffmpeg = new { input } }))
        {
            var body = await created.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.DoesNotContain(password, body, StringComparison.Ordinal);
            Assert.DoesNotContain(JsonSerializer.Serialize(password)[1..^1], body, StringComparison.Ordinal);
            var shown = JsonDocument.Parse(body).RootElement.GetProperty("settings").GetProperty("ffmpeg").GetProperty("input").GetString()!;
            Assert.Contains("192.0.2.2", shown, StringComparison.Ordinal);

            // The dashboard sends the shown input back on an edit: the stored one, password included, stays.
            using var echoed = await _client.PutAsJsonAsync("/api/streams/f", new { ffmpeg = new { input = shown } });
            Assert.Equal(HttpStatusCode.OK, echoed.StatusCode);
        }

        Assert.Contains(JsonSerializer.Serialize(input)[1..^1], await File.ReadAllTextAsync(_factory.StreamsFile), StringComparison.Ordinal);
    }
}
