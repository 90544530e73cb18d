using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// The attacks of issue 10 replayed in Debian's headless Chromium against the default set-up (no credentials, so
/// loopback is admin): a page on another origin tries the requests a browser sends without a preflight, and a page
/// on a name that resolves to LiveMux (DNS rebinding) tries the API and a viewer socket. Nothing may change.
/// </summary>
[Collection("e2e")]
public sealed class CrossOriginTests
{
    // Runs in the attacker's page; every attempt's outcome as the page sees it.
    private const string Attack = """
        async (base) => {
          const json = (name) => JSON.stringify({ name, url: 'rtsp://192.0.2.9/x' });
          const bytes = (text) => new TextEncoder().encode(text).buffer;
          const tries = {
            postArrayBuffer: () => fetch(base + 'api/streams', { method: 'POST', mode: 'no-cors', body: bytes(json('pwned1')) }),
            postJsonBlob: () => fetch(base + 'api/streams', { method: 'POST', mode: 'no-cors', body: new Blob([json('pwned2')], { type: 'application/json' }) }),
            postTextPlain: () => fetch(base + 'api/streams', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: json('pwned3') }),
            postJsonCors: () => fetch(base + 'api/streams', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: json('pwned4') }),
            mintToken: () => fetch(base + 'api/tokens', { method: 'POST', mode: 'no-cors', body: bytes('{"stream":"victim"}') }),
            deleteNoCors: () => fetch(base + 'api/streams/victim', { method: 'DELETE', mode: 'no-cors' }),
            deleteCors: () => fetch(base + 'api/streams/victim', { method: 'DELETE' }),
          };
          const results = {};
          for (const [name, attempt] of Object.entries(tries)) {
            try {
              const r = await attempt();
              results[name] = `answered ${r.type} ${r.status}`;
            } catch (e) {
              results[name] = `failed ${e.name}`;
            }
          }
          return results;
        }
        """;

    [Theory]
    [InlineData("localhost", "cross-site")] // another site than 127.0.0.1
    [InlineData("127.0.0.1", "same-site")] // the same host on another port: another origin, the same site
    public async Task A_page_on_another_origin_adds_and_removes_nothing(string attackerHost, string relation)
    {
        await using var server = await LiveMuxProcess.StartAsync("--LiveMux:Demo=false");
        using (var victim = await server.Http.PostAsJsonAsync(new Uri(server.BaseUrl, "api/streams"), new { name = "victim", url = "rtsp://192.0.2.8/x" }))
        {
            Assert.Equal(HttpStatusCode.Created, victim.StatusCode);
        }

        await using var site = await AttackerSite.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var (page, _) = await browser.OpenAsync(new Uri($"http://{attackerHost}:{site.Port}/attack.html"));
        Assert.Equal("attacker", await page.TitleAsync());
        var outcome = await page.EvaluateAsync<JsonElement>(Attack, server.BaseUrl.ToString());
        var results = outcome.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
        var report = $"{relation}: {string.Join(", ", results.Select(r => $"{r.Key}={r.Value}"))}\n{server.Log}";

        // The simple requests reach LiveMux (their answers are opaque to the page) and are refused there.
        Assert.True(results["postArrayBuffer"] == "answered opaque 0", report);
        await server.WaitForLogAsync("[3302]", TimeSpan.FromSeconds(5), report);
        await server.WaitForLogAsync($"Sec-Fetch-Site: {relation}", TimeSpan.FromSeconds(5), report);

        // A DELETE is not a simple method: the browser will not send it without a preflight LiveMux never grants.
        Assert.True(results["deleteNoCors"] == "failed TypeError", report);
        Assert.True(results["deleteCors"] == "failed TypeError", report);
        Assert.True(results["postJsonCors"] == "failed TypeError", report);

        using var doc = JsonDocument.Parse(await server.Http.GetStringAsync(new Uri(server.BaseUrl, "api/streams")));
        var names = doc.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToArray();
        Assert.True(names.SequenceEqual(["victim"]), $"streams after the attack: {string.Join(", ", names)}\n{report}");
        Assert.DoesNotContain("Viewer token minted", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rebound_name_reaches_neither_the_api_nor_a_viewer_socket()
    {
        await using var server = await LiveMuxProcess.StartAsync("--LiveMux:Demo=true");
        await using var browser = await Browser.LaunchAsync("--host-resolver-rules=MAP evil.example 127.0.0.1");
        var evil = new Uri($"http://evil.example:{server.Port}/");
        var (page, _) = await browser.OpenAsync(evil);

        // The page now runs on http://evil.example:PORT, the same origin as LiveMux under that name.
        var outcome = await page.EvaluateAsync<JsonElement>(
            """
            async () => {
              const page = await fetch('/');
              const list = await fetch('/api/streams');
              const add = await fetch('/api/streams', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                                        body: JSON.stringify({ name: 'rebound', url: 'rtsp://192.0.2.9/x' }) });
              const socket = await new Promise((resolve) => {
                const ws = new WebSocket(location.origin.replace('http', 'ws') + '/api/ws?src=demo');
                ws.onopen = () => { ws.close(); resolve('open'); };
                ws.onerror = () => resolve('error');
              });
              return { origin: location.origin, page: page.status, list: list.status, listBody: await list.text(), add: add.status, socket };
            }
            """);
        var report = outcome.ToString() + "\n" + server.Log;
        Assert.True(outcome.GetProperty("origin").GetString() == $"http://evil.example:{server.Port}", report);
        Assert.True(outcome.GetProperty("page").GetInt32() == 403, report);
        Assert.True(outcome.GetProperty("list").GetInt32() == 403, report);
        Assert.True(outcome.GetProperty("listBody").GetString()!.Contains("LiveMux:PublicHosts", StringComparison.Ordinal), report);
        Assert.DoesNotContain("\"demo\"", outcome.GetProperty("listBody").GetString()!, StringComparison.Ordinal);
        Assert.True(outcome.GetProperty("add").GetInt32() == 403, report);
        Assert.True(outcome.GetProperty("socket").GetString() == "error", report);
        await server.WaitForLogAsync("Host evil.example is not an IP address", TimeSpan.FromSeconds(5), report);

        using var doc = JsonDocument.Parse(await server.Http.GetStringAsync(new Uri(server.BaseUrl, "api/streams")));
        Assert.DoesNotContain(doc.RootElement.GetProperty("streams").EnumerateArray(), s => s.GetProperty("name").GetString() == "rebound");
    }

    [Fact]
    public async Task A_name_listed_in_public_hosts_serves_the_dashboard()
    {
        await using var server = await LiveMuxProcess.StartAsync("--LiveMux:Demo=true", "--LiveMux:PublicHosts:0=cams.example");
        await using var browser = await Browser.LaunchAsync("--host-resolver-rules=MAP cams.example 127.0.0.1");
        var (page, errors) = await browser.OpenAsync(new Uri($"http://cams.example:{server.Port}/player.html?src=demo"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await page.EvaluateAsync<string>("() => document.querySelector('livemux-player').stats.status") != "playing")
        {
            Assert.True(DateTime.UtcNow < deadline, "the player on a listed name did not play:\n" + string.Join('\n', errors) + "\n" + server.Log);
            await Task.Delay(100);
        }

        // Loopback is admin only under a loopback name: under a public one the API wants credentials.
        var status = await page.EvaluateAsync<int>("async () => (await fetch('/api/streams')).status");
        Assert.Equal(403, status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_player_on_another_origin_plays_only_when_the_origin_is_allowed(bool listed)
    {
        await using var site = await AttackerSite.StartAsync();
        var origin = $"http://localhost:{site.Port}";
        string[] args = listed ? ["--LiveMux:Demo=true", $"--LiveMux:Auth:AllowedOrigins:0={origin}"] : ["--LiveMux:Demo=true"];
        await using var server = await LiveMuxProcess.StartAsync(args);
        await using var browser = await Browser.LaunchAsync();
        var (page, _) = await browser.OpenAsync(new Uri($"{origin}/attack.html"));
        var socket = await page.EvaluateAsync<string>(NaiveMsePlayer.Script, server.WebSocketUrl("demo").ToString());
        if (!listed)
        {
            Assert.True(socket == "error", $"an unlisted origin opened a viewer socket: {socket}\n{server.Log}");
            return;
        }

        Assert.True(socket == "open", $"a listed origin's socket: {socket}\n{server.Log}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await page.EvaluateAsync<double>("() => window.naive.currentTime") < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the player on a listed origin did not play\n" + server.Log);
            await Task.Delay(100);
        }
    }

    /// <summary>The attacker's site: python's http.server on its own loopback port, serving one page.</summary>
    private sealed class AttackerSite : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _directory;

        private AttackerSite(Process process, string directory, int port)
        {
            _process = process;
            _directory = directory;
            Port = port;
        }

        public int Port { get; }

        public static async Task<AttackerSite> StartAsync()
        {
            Tool.Require(Tool.Python);
            var directory = Path.Combine(Path.GetTempPath(), "livemux-attacker", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(Path.Combine(directory, "attack.html"), "<!doctype html><title>attacker</title><p>nothing to see</p>");
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var info = new ProcessStartInfo(Tool.Python) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[] { "-m", "http.server", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--directory", directory })
            {
                info.ArgumentList.Add(arg);
            }

            var site = new AttackerSite(Process.Start(info)!, directory, port);
            site._process.OutputDataReceived += (_, _) => { };
            site._process.ErrorDataReceived += (_, _) => { };
            site._process.BeginOutputReadLine();
            site._process.BeginErrorReadLine();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                Assert.False(site._process.HasExited, "python's http.server exited");
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/attack.html"));
                    if (response.IsSuccessStatusCode)
                    {
                        return site;
                    }
                }
                catch (HttpRequestException)
                {
                }

                Assert.True(DateTime.UtcNow < deadline, "python's http.server did not answer within 30 s");
                await Task.Delay(100);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
