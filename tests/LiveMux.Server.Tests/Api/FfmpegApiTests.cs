using System.Net;
using System.Text;
using System.Text.Json;
using LiveMux.Server.Tests.Endpoints;

namespace LiveMux.Server.Tests.Api;

/// <summary>
/// Each way the admin API once ran a program, wrote a file or read one through ffmpeg, tried again: every one
/// is refused with the option or field named, and nothing is written. A stream the API accepts runs a fake
/// ffmpeg (the configured binary) that records its command line and environment: the API's streams run with
/// a protocol whitelist, configuration's without, and none sees LiveMux's environment.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FfmpegApiTests : IDisposable
{
    private const string CanaryText = "canary: must never change";

    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-ffmpeg-api-").FullName;
    private readonly LiveMuxFactory _factory = new();

    public FfmpegApiTests()
    {
        Directory.CreateDirectory(Media);
        File.WriteAllText(Path.Combine(Media, "clip.mp4"), "not really a clip");
        File.WriteAllText(Canary, CanaryText);
        File.CreateSymbolicLink(Path.Combine(Media, "escape.mp4"), Canary);
        Directory.CreateSymbolicLink(Path.Combine(Media, "up"), _dir);
        _factory.Settings["LiveMux:Ffmpeg:MediaDirectory"] = Media;
    }

    private string Media => Path.Combine(_dir, "media");

    private string Canary => Path.Combine(_dir, "canary.mp4");

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    public static TheoryData<string, string, string> Tricks => new()
    {
        // the ffmpeg object of the request ({CANARY} and {MEDIA} are replaced), the field, part of its message
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"path\":\"/bin/sh\"}", "ffmpeg.path", "the ffmpeg binary is not chosen through the API" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-re {CANARY}\"}", "ffmpeg.inputOptions", "is not an option: ffmpeg would take it as an output file" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-y\"}", "ffmpeg.inputOptions", "'-y' is not allowed through the API: it lets ffmpeg overwrite files" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-n\"}", "ffmpeg.inputOptions", "'-n' is not allowed through the API" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-y -dump_attachment:t:0 {CANARY}\"}", "ffmpeg.inputOptions", "'-dump_attachment:t:0' is not allowed through the API: it writes files" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-dump_attachment {CANARY}\"}", "ffmpeg.inputOptions", "'-dump_attachment' is not allowed through the API: it writes files" },
        { "{\"input\":\"{MEDIA}/clip.mp4\",\"inputOptions\":\"-f tty\"}", "ffmpeg.inputOptions", "'-f tty': -f is not allowed through the API: it renders any text file as video" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-f lavfi\"}", "ffmpeg.inputOptions", "'-f lavfi': -f is not allowed through the API: its filters can read any file" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-f concat\"}", "ffmpeg.inputOptions", "'-f concat': -f is not allowed through the API" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-i {CANARY}\"}", "ffmpeg.inputOptions", "'-i' is not allowed through the API: the input is ffmpeg.input" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-protocol_whitelist file,http,tcp\"}", "ffmpeg.inputOptions", "'-protocol_whitelist' is not allowed through the API" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-allowed_extensions ALL\"}", "ffmpeg.inputOptions", "'-allowed_extensions' is not allowed through the API" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-headers 'X: y'\"}", "ffmpeg.inputOptions", "'-headers' is not allowed through the API" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-filter_complex_script {CANARY}\"}", "ffmpeg.inputOptions", "'-filter_complex_script' is not allowed through the API: it names a file" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-loglevel debug\"}", "ffmpeg.inputOptions", "'-loglevel' is not an input option the API accepts" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-probesize 99999999999\"}", "ffmpeg.inputOptions", "'-probesize 99999999999': -probesize takes a whole number from 32 to 100000000" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-rtsp_transport\"}", "ffmpeg.inputOptions", "'-rtsp_transport' needs a value" },
        { "{\"input\":\"rtsp://192.0.2.9/x\",\"inputOptions\":\"-rtsp_flags listen\"}", "ffmpeg.inputOptions", "-rtsp_flags takes one of prefer_tcp, filter_src" },
        { "{\"input\":\"/etc/passwd\"}", "ffmpeg.input", "is refused: the file is not inside the media directory" },
        { "{\"input\":\"file:/etc/passwd\"}", "ffmpeg.input", "'file:' is not allowed through the API" },
        { "{\"input\":\"file:///etc/passwd\"}", "ffmpeg.input", "'file:' is not allowed through the API" },
        { "{\"input\":\"../canary.mp4\"}", "ffmpeg.input", "the file is not inside the media directory" },
        { "{\"input\":\"{MEDIA}/../canary.mp4\"}", "ffmpeg.input", "the file is not inside the media directory" },
        { "{\"input\":\"escape.mp4\"}", "ffmpeg.input", "the file is not inside the media directory (after resolving '..' and symbolic links)" },
        { "{\"input\":\"up/canary.mp4\"}", "ffmpeg.input", "the file is not inside the media directory" },
        { "{\"input\":\"concat:{MEDIA}/clip.mp4|{CANARY}\"}", "ffmpeg.input", "'concat:' is not allowed through the API" },
        { "{\"input\":\"subfile,,start,0,end,100,,:{CANARY}\"}", "ffmpeg.input", "is not allowed through the API" },
        { "{\"input\":\"pipe:1\"}", "ffmpeg.input", "'pipe:' is not allowed through the API" },
        { "{\"input\":\"udp://0.0.0.0:1234\"}", "ffmpeg.input", "'udp:' is not allowed through the API" },
        { "{\"input\":\"http:/etc/passwd\"}", "ffmpeg.input", "must be a URL with a host" },
        { "{\"input\":\"rtsp://192.0.2.9/x\\r\\nX: y\"}", "ffmpeg.input", "must not hold control characters" },
        { "{\"input\":\"missing.mp4\"}", "ffmpeg.input", "no such file in the media directory" },
    };

    [Theory]
    [MemberData(nameof(Tricks))]
    public async Task Each_trick_is_refused_by_name_and_nothing_is_written(string ffmpeg, string field, string message)
    {
        using var client = _factory.CreateClient();
        var before = File.Exists(_factory.StreamsFile) ? await File.ReadAllTextAsync(_factory.StreamsFile) : null;
        var json = "{\"name\":\"trick\",\"alwaysOn\":true,\"ffmpeg\":" + ffmpeg.Replace("{CANARY}", Canary, StringComparison.Ordinal).Replace("{MEDIA}", Media, StringComparison.Ordinal) + "}";

        foreach (var (method, path) in new[] { ("POST", "/api/streams"), ("PUT", "/api/streams/edited") })
        {
            if (method == "PUT")
            {
                using var setup = await SendAsync(client, "POST", "/api/streams", "{\"name\":\"edited\",\"url\":\"rtsp://192.0.2.2/live\"}");
                Assert.Equal(HttpStatusCode.Created, setup.StatusCode);
                before = await File.ReadAllTextAsync(_factory.StreamsFile);
                json = json.Replace("\"name\":\"trick\"", "\"name\":\"edited\"", StringComparison.Ordinal);
            }

            using var response = await SendAsync(client, method, path, json);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out var messages), $"{method}: no '{field}' in {errors}");
            Assert.True(messages.EnumerateArray().Any(m => m.GetString()!.Contains(message, StringComparison.Ordinal)), $"{method}: '{message}' not in {messages}");
            Assert.Equal(before, File.Exists(_factory.StreamsFile) ? await File.ReadAllTextAsync(_factory.StreamsFile) : null);
        }

        using var list = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/streams", UriKind.Relative)));
        Assert.Equal(["cam1", "edited"], list.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("rtsp://192.0.2.2/live", list.RootElement.GetProperty("streams")[1].GetProperty("url").GetString());
        Assert.Equal(CanaryText, await File.ReadAllTextAsync(Canary));
        Assert.Equal(["canary.mp4", "media"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_a_media_directory_the_api_takes_network_urls_only()
    {
        using var factory = new LiveMuxFactory();
        using var client = factory.CreateClient();
        using var file = await SendAsync(client, "POST", "/api/streams", $"{{\"name\":\"f\",\"ffmpeg\":{{\"input\":\"{Media}/clip.mp4\"}}}}");
        var text = await file.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, file.StatusCode);
        Assert.Contains("files are not allowed through the API because LiveMux:Ffmpeg:MediaDirectory is not set", text, StringComparison.Ordinal);

        using var url = await SendAsync(client, "POST", "/api/streams", "{\"name\":\"u\",\"ffmpeg\":{\"input\":\"https://192.0.2.9/live.m3u8\",\"inputOptions\":\"-re -fflags +nobuffer+genpts -flags low_delay -rw_timeout 5000000 -f hls -r 30000/1001 -user_agent 'LiveMux test'\"}}");
        Assert.True(url.StatusCode == HttpStatusCode.Created, await url.Content.ReadAsStringAsync());
        var settings = JsonDocument.Parse(await url.Content.ReadAsStringAsync()).RootElement.GetProperty("settings").GetProperty("ffmpeg");
        Assert.False(settings.TryGetProperty("path", out _), settings.ToString());
    }

    [Fact]
    public async Task Api_streams_run_the_configured_binary_with_a_protocol_whitelist_and_no_inherited_environment()
    {
        var records = Path.Combine(_dir, "records");
        Directory.CreateDirectory(records);
        var fake = Path.Combine(_dir, "fake-ffmpeg");

        // /proc/self/environ is what the program was started with, before the shell adds anything of its own.
        await File.WriteAllTextAsync(fake, $"""
            #!/bin/sh
            tr '\0' '\n' < /proc/$$/environ > {records}/env-$$
            for a in "$@"; do printf '%s\n' "$a"; done > {records}/args-$$
            exec sleep 30
            """.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // One stream in the streams file before the start, as after a restart; one through the API; one from configuration.
        Directory.CreateDirectory(Path.GetDirectoryName(_factory.StreamsFile)!);
        await File.WriteAllTextAsync(_factory.StreamsFile, "{\"LiveMux\":{\"Streams\":{\"stored\":{\"AlwaysOn\":true,\"Ffmpeg\":{\"Input\":\"rtmp://192.0.2.7/stored\"}}}}}");
        _factory.Settings["LiveMux:Ffmpeg:Path"] = fake;
        _factory.Settings["LiveMux:Streams:configured:Ffmpeg:Input"] = "rtmp://192.0.2.8/configured";
        _factory.Settings["LiveMux:Streams:configured:AlwaysOn"] = "true";
        Environment.SetEnvironmentVariable("LiveMux__Auth__FfmpegApiTestCanary", "must-not-reach-ffmpeg");
        using var client = _factory.CreateClient();
        using (var r = await SendAsync(client, "POST", "/api/streams", "{\"name\":\"viaapi\",\"alwaysOn\":true,\"ffmpeg\":{\"input\":\"rtsp://192.0.2.9/live\",\"inputOptions\":\"-rtsp_transport tcp\"}}"))
        {
            Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        }

        using (var r = await SendAsync(client, "POST", "/api/streams", "{\"name\":\"media\",\"alwaysOn\":true,\"ffmpeg\":{\"input\":\"clip.mp4\"}}"))
        {
            Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        }

        var runs = await WaitForRunsAsync(records, ["rtmp://192.0.2.7/stored", "rtsp://192.0.2.9/live", "file:" + Path.Combine(Media, "clip.mp4"), "rtmp://192.0.2.8/configured"]);

        foreach (var input in new[] { "rtmp://192.0.2.7/stored", "rtsp://192.0.2.9/live" })
        {
            var args = runs[input].Args;
            var i = args.IndexOf("-i");
            Assert.True(i >= 2 && args[i - 2] == "-protocol_whitelist", $"{input}: {string.Join(' ', args)}");
            var protocols = args[i - 1].Split(',');
            Assert.Contains("rtsp", protocols);
            Assert.Contains("tcp", protocols);
            Assert.Empty(protocols.Intersect(["file", "pipe", "fd", "concat", "subfile", "data", "cache", "async"]));
        }

        var media = runs["file:" + Path.Combine(Media, "clip.mp4")].Args;
        Assert.Equal(["-protocol_whitelist", "file", "-format_whitelist"], media[(media.IndexOf("-i") - 4)..(media.IndexOf("-i") - 1)]);
        Assert.DoesNotContain("-protocol_whitelist", runs["rtmp://192.0.2.8/configured"].Args);

        foreach (var (input, run) in runs)
        {
            Assert.True(run.Environment.All(v => v.StartsWith("PATH=", StringComparison.Ordinal) || v.StartsWith("HOME=", StringComparison.Ordinal) || v.StartsWith("LANG=", StringComparison.Ordinal)),
                $"{input}: ffmpeg's environment holds more than PATH, HOME and LANG: {string.Join(", ", run.Environment.Select(v => v.Split('=')[0]))}");
            Assert.Contains(run.Environment, v => v.StartsWith("PATH=", StringComparison.Ordinal));
            Assert.DoesNotContain(run.Environment, v => v.Contains("must-not-reach-ffmpeg", StringComparison.Ordinal) || v.StartsWith("LiveMux", StringComparison.OrdinalIgnoreCase));
        }
    }

    private static async Task<Dictionary<string, (List<string> Args, string[] Environment)>> WaitForRunsAsync(string records, string[] inputs)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var runs = new Dictionary<string, (List<string>, string[])>(StringComparer.Ordinal);
            foreach (var argsFile in Directory.GetFiles(records, "args-*"))
            {
                var args = (await File.ReadAllLinesAsync(argsFile)).ToList();
                var envFile = Path.Combine(records, "env-" + Path.GetFileName(argsFile)["args-".Length..]);
                var i = args.IndexOf("-i");

                // The script writes the environment first, then the arguments, each file whole once 'done' is reached.
                if (i >= 0 && i + 1 < args.Count && args[^1] == "pipe:1" && File.Exists(envFile))
                {
                    runs[args[i + 1]] = (args, await File.ReadAllLinesAsync(envFile));
                }
            }

            if (inputs.All(runs.ContainsKey))
            {
                return runs;
            }

            Assert.True(DateTime.UtcNow < deadline, $"ffmpeg was not run for every stream; runs: {string.Join(" | ", runs.Keys)}");
            await Task.Delay(100);
        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        return client.SendAsync(request);
    }
}
