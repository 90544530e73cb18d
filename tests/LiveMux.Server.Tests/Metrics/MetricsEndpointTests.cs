using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using LiveMux.Hub;
using LiveMux.Server.Metrics;
using LiveMux.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveMux.Server.Tests.Metrics;

/// <summary>
/// /metrics against the live demo stream with a viewer, judged by Prometheus's own promtool and by the
/// Python client's parser, its numbers cross-checked with /api/streams read just before and just after.
/// </summary>
public sealed class MetricsEndpointTests(MetricsEndpointTests.DemoFactory factory) : IClassFixture<MetricsEndpointTests.DemoFactory>
{
    public sealed class DemoFactory : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("LiveMux:Demo", "true");
            builder.UseSetting("LiveMux:Rtsp:Port", "0");
        }
    }

    // Prints every sample as JSON: {"name","type","labels","value"}; a parse error exits non-zero.
    private const string PythonParser = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        out = []
        for family in text_string_to_metric_families(sys.stdin.read()):
            for s in family.samples:
                out.append({"family": family.name, "type": family.type, "name": s.name, "labels": s.labels, "value": s.value})
        print(json.dumps(out))
        """;

    [Fact]
    public async Task Promtool_and_the_python_parser_accept_the_output_and_its_numbers_match_the_api()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var socket = await factory.Server.CreateWebSocketClient().ConnectAsync(new Uri(factory.Server.BaseAddress, "/api/ws?src=demo"), cts.Token);
        await socket.SendAsync("{\"type\":\"mse\",\"value\":\"avc1.640029\"}"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[1 << 20];
        for (var binaries = 0; binaries < 10;)
        {
            var r = await socket.ReceiveAsync(buffer, cts.Token);
            binaries += r.MessageType == WebSocketMessageType.Binary && r.EndOfMessage ? 1 : 0;
        }

        using var client = factory.CreateClient();
        var before = await DemoAsync(client);
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative), cts.Token);
        var text = await response.Content.ReadAsStringAsync(cts.Token);
        var after = await DemoAsync(client);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PrometheusTextWriter.ContentType, response.Content.Headers.ContentType!.ToString());

        var promtool = await RunWithInputAsync(Tool.Require("promtool"), ["check", "metrics"], text);
        Assert.True(promtool.ExitCode == 0, $"promtool: {promtool.Stdout}{promtool.Stderr}\n{text}");
        Assert.Equal("", (promtool.Stdout + promtool.Stderr).Trim()); // no lint complaints either

        var parsed = await RunWithInputAsync(Tool.Require(Tool.Python), ["-c", PythonParser], text);
        Assert.True(parsed.ExitCode == 0, $"prometheus_client parser: {parsed.Stderr}\n{text}");
        var samples = JsonDocument.Parse(parsed.Stdout).RootElement.EnumerateArray().Select(Sample.Of).ToList();

        double Value(string name, params (string, string)[] labels) =>
            Assert.Single(samples, s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Item1, out var v) && v == l.Item2)).Value;
        void Between(string name, string apiField)
        {
            var value = Value(name, ("stream", "demo"));
            var (low, high) = (Counter(before, apiField), Counter(after, apiField));
            Assert.True(value >= low && value <= high, $"{name} {value} outside /api/streams' {low}..{high}");
        }

        Assert.Equal("live", before.GetProperty("state").GetString());
        Assert.Equal(1, Value("livemux_stream_state", ("stream", "demo"), ("state", "live")));
        Assert.Equal(0, samples.Where(s => s.Name == "livemux_stream_state" && s.Labels["state"] != "live").Sum(s => s.Value));
        Assert.Equal(4, samples.Count(s => s.Name == "livemux_stream_state"));
        Assert.Equal(1, Value("livemux_stream_viewers", ("stream", "demo")));
        Assert.Equal(before.GetProperty("viewers").GetInt32(), (int)Value("livemux_stream_viewers", ("stream", "demo")));
        Between("livemux_stream_bytes_in_total", "bytesIn");
        Between("livemux_stream_frames_in_total", "framesIn");
        Between("livemux_stream_bytes_out_total", "bytesOut");
        Between("livemux_stream_frames_out_total", "fragmentsOut");
        Between("livemux_stream_sessions_total", "sessions");
        Between("livemux_stream_reconnects_total", "reconnects");
        Assert.True(Value("livemux_stream_frames_out_total", ("stream", "demo")) >= 9, "the viewer's fragments are counted");

        var drops = samples.Where(s => s.Name == "livemux_stream_drops_total").ToList();
        Assert.Contains(drops, s => s.Labels["reason"] == "SequenceGap");
        Assert.Contains(drops, s => s.Labels["reason"] == "SkippedToKeyframe");
        foreach (var (reason, count) in before.GetProperty("counters").GetProperty("drops").EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())))
        {
            Assert.True(Value("livemux_stream_drops_total", ("stream", "demo"), ("reason", reason)) >= count, reason);
        }

        // The demo camera is RTSP over loopback: track 0, packets counted as /api/streams counts them.
        var received = Value("livemux_stream_rtp_packets_received_total", ("stream", "demo"), ("track", "0"));
        var track = (JsonElement r) => r.GetProperty("rtp").GetProperty("tracks")[0];
        Assert.InRange(received, track(before).GetProperty("received").GetInt64(), track(after).GetProperty("received").GetInt64());
        Assert.True(received > 0);
        Assert.Equal(0, Value("livemux_stream_rtp_packets_lost_total", ("stream", "demo"), ("track", "0")));
        Assert.InRange(Value("livemux_stream_rtp_jitter_seconds", ("stream", "demo"), ("track", "0")), 0, 1);

        // Process figures are plausible for this very process.
        var start = Value("process_start_time_seconds");
        Assert.InRange(start, DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.True(Value("process_resident_memory_bytes") > 10_000_000);
        Assert.True(Value("process_open_fds") > 3);
        Assert.True(Value("process_num_threads") > 1);
        Assert.True(Value("process_cpu_seconds_total") > 0);
        Assert.True(Value("dotnet_gc_allocated_bytes_total") > 0);
        Assert.Equal(3, samples.Count(s => s.Name == "dotnet_gc_collections_total"));

        // Counters, as the parser reads them: family without _total, sample with it.
        Assert.Contains(samples, s => s.Family == "livemux_stream_bytes_in" && s.Type == "counter" && s.Name == "livemux_stream_bytes_in_total");
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
    }

    [Fact]
    public async Task A_stream_added_to_the_hub_appears_at_the_next_scrape()
    {
        await using var hub = new StreamHub(new ViewerQueueOptions(), TimeProvider.System, NullLoggerFactory.Instance);
        hub.Add("a", new StreamOptions { Url = "rtsp://192.0.2.1/a" });
        var first = Scrape(hub);
        hub.Add("b\"quoted", new StreamOptions { Url = "rtsp://192.0.2.1/b" });
        var second = Scrape(hub);

        Assert.Contains("livemux_stream_viewers{stream=\"a\"} 0\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("quoted", first, StringComparison.Ordinal);
        Assert.Contains("livemux_stream_state{stream=\"b\\\"quoted\",state=\"idle\"} 1\n", second, StringComparison.Ordinal);
        Assert.DoesNotContain("livemux_stream_rtp", second.Split('\n').Where(l => !l.StartsWith('#')).Aggregate("", (a, l) => a + l), StringComparison.Ordinal); // never played
    }

    [Fact]
    public async Task Healthz_and_readyz_answer_anonymously_once_started()
    {
        using var client = factory.CreateClient();
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal((HttpStatusCode.OK, "ok\n"), (health.StatusCode, await health.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Theory]
    [InlineData(false, false, 503, "starting")]
    [InlineData(true, false, 200, "ready")]
    [InlineData(true, true, 503, "stopping")]
    [InlineData(false, true, 503, "stopping")]
    public async Task Readyz_follows_the_application_lifetime(bool started, bool stopping, int status, string body)
    {
        var lifetime = new Lifetime();
        if (started)
        {
            await lifetime.StartedSource.CancelAsync();
        }

        if (stopping)
        {
            await lifetime.StoppingSource.CancelAsync();
        }

        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await MetricsEndpoints.Ready(lifetime).ExecuteAsync(context);
        context.Response.Body.Position = 0;
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(body + "\n", await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    private static string Scrape(StreamHub hub)
    {
        var text = new System.Text.StringBuilder();
        StreamMetrics.Write(new PrometheusTextWriter(text), hub.Streams);
        return text.ToString();
    }

    private static async Task<JsonElement> DemoAsync(HttpClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/streams", UriKind.Relative)));
        return doc.RootElement.GetProperty("streams").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "demo").Clone();
    }

    private static long Counter(JsonElement stream, string field) => stream.GetProperty("counters").GetProperty(field).GetInt64();

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithInputAsync(string program, string[] args, string input)
    {
        var info = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private sealed record Sample(string Family, string Type, string Name, Dictionary<string, string> Labels, double Value)
    {
        public static Sample Of(JsonElement e) => new(
            e.GetProperty("family").GetString()!,
            e.GetProperty("type").GetString()!,
            e.GetProperty("name").GetString()!,
            e.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            e.GetProperty("value").GetDouble());
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationTokenSource StartedSource { get; } = new();

        public CancellationTokenSource StoppingSource { get; } = new();

        public CancellationToken ApplicationStarted => StartedSource.Token;

        public CancellationToken ApplicationStopping => StoppingSource.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => StoppingSource.Cancel();
    }
}
