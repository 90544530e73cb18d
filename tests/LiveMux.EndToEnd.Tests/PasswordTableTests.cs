using System.Net;
using System.Net.Http.Json;
using System.Text;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// Passwords holding every character that ends a URL's user information or a log pattern (/ ? # @ ' " % space,
/// non-ASCII) reach real GStreamer cameras requiring them: given in the API's username/password fields, percent-encoded
/// in a configured url, and as typed in an ffmpeg input. Right ones play; wrong ones fail. No form of any of them
/// appears in an API response, in the log (debug included), or in what viewers receive; viewers of the failures get
/// a reason without the camera's address.
/// </summary>
[Collection("e2e")]
public sealed class PasswordTableTests
{
    // Everything at once for LiveMux's own client; ffmpeg reads a typed password only up to the first '/', '?', '#'
    // or '@', so its camera's password holds the rest: quotes and spaces, the issue's leak.
    private const string Every = "Sl/a?h#at@q'u\"o %25ünï";
    private const string Typed = "it's \"so\" s3cr3t";
    private const string WrongEvery = "Wr/ong?#@'\" %41x";
    private const string WrongTyped = "wr'ong \"pa ss\" word";
    private static readonly string[] Passwords = [Every, Typed, WrongEvery, WrongTyped];

    [Fact]
    public async Task No_password_of_the_table_appears_in_the_api_the_log_or_viewer_messages()
    {
        var directory = Directory.CreateTempSubdirectory("livemux-e2e-passwords-");
        try
        {
            await using var every = await TestCamera.StartAsync(0, "--user", "admin", "--password", Every, "--fps", "15", "--gop", "15", "--width", "320", "--height", "180");
            await using var typed = await TestCamera.StartAsync(0, "--user", "admin", "--password", Typed, "--fps", "15", "--gop", "15", "--width", "320", "--height", "180");
            var typedBare = typed.Url()["rtsp://".Length..];
            await using var server = await LiveMuxProcess.StartAsync(
                "--LiveMux:Demo=false",
                $"--LiveMux:StreamsFile={Path.Combine(directory.FullName, "streams.json")}",
                "--Logging:LogLevel:LiveMux=Debug",
                $"--LiveMux:Streams:encoded:Url={every.Url("admin", Every)}",
                $"--LiveMux:Streams:typed:Ffmpeg:Input=rtsp://admin:{Typed}@{typedBare}",
                $"--LiveMux:Streams:typedwrong:Ffmpeg:Input=rtsp://admin:{WrongTyped}@{typedBare}",
                "--LiveMux:Streams:typedwrong:ReconnectInitialDelay=00:00:01");
            var responses = new StringBuilder();

            // Written as typed in a url, the password's end is ambiguous: refused, pointing to the fields, not echoed.
            using (var refused = await server.Http.PostAsJsonAsync(new Uri(server.BaseUrl, "api/streams"), new { name = "raw", url = $"rtsp://admin:{Every}@127.0.0.1:{every.Port}{every.Path}" }))
            {
                var body = await refused.Content.ReadAsStringAsync();
                responses.AppendLine(body);
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                Assert.Contains("\"url\"", body, StringComparison.Ordinal);
                Assert.Contains("password fields", body, StringComparison.Ordinal);
            }

            foreach (var (name, password) in new[] { ("fields", Every), ("fieldswrong", WrongEvery) })
            {
                using var added = await server.Http.PostAsJsonAsync(new Uri(server.BaseUrl, "api/streams"), new { name, url = every.Url(), username = "admin", password });
                responses.AppendLine(await added.Content.ReadAsStringAsync());
                Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            }

            var playing = new[] { "fields", "encoded", "typed" };
            var failing = new[] { ("fieldswrong", "the camera rejected the credentials"), ("typedwrong", "the stream's source failed") };
            var viewers = new Dictionary<string, WsViewer>();
            try
            {
                foreach (var name in playing.Concat(failing.Select(f => f.Item1)))
                {
                    viewers[name] = await WsViewer.ConnectAsync(server.WebSocketUrl(name));
                }

                foreach (var name in playing)
                {
                    await viewers[name].WaitForAsync(v => v.BinaryMessages > 10, TimeSpan.FromSeconds(30), $"{name} to play with the right password");
                }

                foreach (var (name, reason) in failing)
                {
                    await viewers[name].WaitForAsync(v => v.HasMessage("error"), TimeSpan.FromSeconds(30), $"an error for {name}");
                    var error = viewers[name].Messages.First(m => m.GetProperty("type").GetString() == "error").GetProperty("value").GetString()!;
                    Assert.Contains(reason, error, StringComparison.Ordinal);
                    Assert.DoesNotContain("127.0.0.1", error, StringComparison.Ordinal);

                    // Admins see the detail.
                    var api = await server.StreamAsync(name);
                    responses.AppendLine(api.GetRawText());
                    Assert.False(string.IsNullOrEmpty(api.GetProperty("error").GetString()), name);
                }

                responses.AppendLine(await server.Http.GetStringAsync(new Uri(server.BaseUrl, "api/streams")));
                foreach (var name in playing)
                {
                    responses.AppendLine((await server.StreamAsync(name)).GetRawText());
                }

                var seen = string.Join('\n', viewers.Values.SelectMany(v => v.Messages).Select(m => m.GetRawText()));
                var log = server.Log;
                Assert.Contains("typedwrong", log, StringComparison.Ordinal);
                foreach (var password in Passwords)
                {
                    AssertHidden(password, responses.ToString(), "the API");
                    AssertHidden(password, log, "the log");
                    AssertHidden(password, seen, "viewer messages");
                }
            }
            finally
            {
                foreach (var v in viewers.Values)
                {
                    await v.DisposeAsync();
                }
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static void AssertHidden(string password, string text, string where)
    {
        foreach (var form in Forms(password))
        {
            Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"a password appears in {where}");
        }

        for (var i = 0; i + 6 <= password.Length; i++)
        {
            foreach (var piece in Forms(password.Substring(i, 6)))
            {
                Assert.False(text.Contains(piece, StringComparison.Ordinal), $"a piece of a password ('{piece}') appears in {where}");
            }
        }
    }

    // As written, percent-encoded, percent-decoded, and each of those as JSON writes it (quotes and non-ASCII escaped).
    private static IEnumerable<string> Forms(string value)
    {
        string[] plain = [value, Uri.EscapeDataString(value), Uri.UnescapeDataString(value)];
        return plain.Concat(plain.Select(p => System.Text.Json.JsonSerializer.Serialize(p)[1..^1])).Distinct();
    }
}
