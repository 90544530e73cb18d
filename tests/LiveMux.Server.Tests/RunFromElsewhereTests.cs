using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace LiveMux.Server.Tests;

/// <summary>
/// The built server run the way users run it, from another working directory: it reads its own settings, serves
/// its own pages, keeps the streams file where it runs, and never logs a viewer token, even with every log
/// category at Trace, including rules that name ASP.NET's request logging itself.
/// </summary>
public sealed class RunFromElsewhereTests : IDisposable
{
    private const string TokenSecret = "run-from-elsewhere-secret-0123456789abcdef";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "livemux-cwd", Guid.NewGuid().ToString("N"));

    public RunFromElsewhereTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Everything at Trace, in each way configuration can say it.</summary>
    private static Dictionary<string, string> TraceEverything => new()
    {
        ["Logging__LogLevel__Default"] = "Trace",
        ["Logging__LogLevel__Microsoft"] = "Trace",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
        ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics*"] = "Trace",
        ["Logging__LogLevel__Microsoft.AspNetCore.Server.Kestrel.BadRequests"] = "Trace",
        ["Logging__Console__LogLevel__Default"] = "Trace",
        ["Logging__Console__LogLevel__Microsoft.AspNetCore.Hosting"] = "Trace",
        ["Logging__Console__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        ["Logging__Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
    };

    [Fact]
    public async Task Settings_pages_and_the_streams_file_work_and_no_token_reaches_the_log_at_trace()
    {
        var server = await ServerProcess.StartAsync(_directory, TraceEverything,
            "--LiveMux:Auth:Viewers=token", $"--LiveMux:Auth:TokenSecret={TokenSecret}", "--LiveMux:Streams:door:Url=rtsp://192.0.2.1/door");
        var tokens = new List<string>();
        await using (server)
        {
            using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(20) };

            // Its own directory is the content root: appsettings.json and wwwroot are the program's.
            Assert.Contains("livemux", await http.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.OrdinalIgnoreCase);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/livemux-player.js", UriKind.Relative))).StatusCode);

            // The streams file is where it runs.
            using (var created = await http.PostAsJsonAsync("/api/streams", new { name = "added", url = "rtsp://192.0.2.2/added" }))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            Assert.Contains("rtsp://192.0.2.2/added", await File.ReadAllTextAsync(Path.Combine(_directory, "streams.json")));

            async Task<string> MintAsync()
            {
                using var response = await http.PostAsJsonAsync("/api/tokens", new { stream = "door", ttlSeconds = 600 });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var token = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString()!;
                tokens.Add(token);
                return token;
            }

            var pageToken = await MintAsync();
            using (var page = await http.GetAsync(new Uri($"/player.html?src=door&token={pageToken}", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }

            using (var socket = new ClientWebSocket())
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/api/ws?src=door&token={await MintAsync()}"), cts.Token);
                await socket.SendAsync("{\"type\":\"mse\",\"value\":\"avc1.640029\"}"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }

            using (var mp4 = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/stream.mp4?src=door&token={await MintAsync()}", UriKind.Relative)))
            {
                mp4.Headers.Authorization = new("Bearer", await MintAsync());
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    using var response = await http.SendAsync(mp4, HttpCompletionOption.ResponseHeadersRead, cts.Token);
                }
                catch (TaskCanceledException)
                {
                    // The camera is unreachable: the response would start with its first frame.
                }
            }

            // A request line Kestrel refuses, which its bad-request log would quote.
            var badToken = await MintAsync();
            using (var raw = new TcpClient())
            {
                await raw.ConnectAsync(IPAddress.Loopback, server.Port);
                var stream = raw.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /api/ws?src=door&token={badToken} junk HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
                var buffer = new byte[256];
                var read = await stream.ReadAsync(buffer);
                Assert.StartsWith("HTTP/1.1 400", Encoding.ASCII.GetString(buffer, 0, read));
            }
        }

        var output = server.Output;
        Assert.Contains($"Content root path: {AppContext.BaseDirectory}", output);
        Assert.Contains("trce: ", output); // Trace is really on
        Assert.Contains("dbug: Microsoft.AspNetCore.Server.Kestrel", output);
        Assert.Equal(5, tokens.Count);
        foreach (var token in tokens)
        {
            Assert.DoesNotContain(token, output);
            Assert.DoesNotContain(token.Split('.')[3], output);
        }
    }
}
