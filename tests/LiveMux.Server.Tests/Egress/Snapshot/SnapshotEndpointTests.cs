using System.Net;
using System.Text.Json;
using LiveMux.Server.Auth;
using LiveMux.Server.Egress.Snapshot;
using LiveMux.Server.Tests.Auth;
using LiveMux.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace LiveMux.Server.Tests.Egress.Snapshot;

/// <summary>
/// <c>GET /api/frame.jpeg</c> against the demo stream, decoded by the real ffmpeg and judged by ffprobe: auth,
/// unknown streams, size bounds, one decode for many requests, and the cache.
/// </summary>
public sealed class SnapshotEndpointTests(SnapshotFactory factory) : IClassFixture<SnapshotFactory>
{
    private static readonly AuthOptions Auth = new() { Viewers = ViewerAccessMode.Token, TokenSecret = TokenModeFactory.Secret };

    private static string Token(string stream) => new ViewerTokens(Auth, TimeProvider.System).Mint(stream, TimeSpan.FromMinutes(5)).Token;

    private SnapshotEgress Egress => factory.Services.GetRequiredService<SnapshotEgress>();

    [Fact]
    public async Task Without_a_token_it_is_refused_and_with_one_it_is_a_jpeg_of_the_requested_width()
    {
        using var client = factory.CreateClient();
        using var refused = await client.GetAsync(new Uri("/api/frame.jpeg?src=demo", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("unauthorized: a viewer token is required", await DetailAsync(refused));

        using var wrong = await client.GetAsync(new Uri($"/api/frame.jpeg?src=demo&token={Token("other")}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);

        using var ok = await client.GetAsync(new Uri($"/api/frame.jpeg?src=demo&width=320&token={Token("demo")}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("image/jpeg", ok.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", ok.Headers.CacheControl?.ToString());
        var (codec, width, height) = await ProbeAsync(await ok.Content.ReadAsByteArrayAsync());
        Assert.Equal("mjpeg", codec);
        Assert.Equal(320, width);
        Assert.InRange(height, 2, 320); // the aspect ratio kept, whatever the demo's
    }

    [Fact]
    public async Task Admin_credentials_read_snapshots_too_and_both_sides_are_honoured()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", TokenModeFactory.ApiKey);
        using var ok = await client.GetAsync(new Uri("/api/frame.jpeg?src=demo&width=64&height=48", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var (_, width, height) = await ProbeAsync(await ok.Content.ReadAsByteArrayAsync());
        Assert.Equal((64, 48), (width, height));
    }

    [Fact]
    public async Task An_unknown_stream_is_404()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", TokenModeFactory.ApiKey);
        using var response = await client.GetAsync(new Uri("/api/frame.jpeg?src=nope", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("unknown stream", await DetailAsync(response));
    }

    [Fact]
    public async Task A_camera_that_gives_no_picture_is_503_with_the_reason_after_the_timeout()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", TokenModeFactory.ApiKey);

        // cam1 is 192.0.2.1 (TEST-NET-1): nothing answers there. The request starts the idle stream and waits.
        var started = DateTime.UtcNow;
        using var response = await client.GetAsync(new Uri("/api/frame.jpeg?src=cam1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1.9), $"answered after {DateTime.UtcNow - started}");
        var detail = await DetailAsync(response);
        Assert.True(detail == "no picture from the camera within 2 s" || detail.Length > 0 && !detail.Contains("192.0.2.1", StringComparison.Ordinal), detail);
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
    }

    [Theory]
    [InlineData("width=15")]
    [InlineData("width=4097")]
    [InlineData("height=0")]
    [InlineData("width=-100")]
    [InlineData("width=abc")]
    [InlineData("w=99999999999")]
    [InlineData("width=320&h=1e3")]
    public async Task A_size_out_of_bounds_is_400_and_decodes_nothing(string size)
    {
        var before = Egress.Decodes;
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", TokenModeFactory.ApiKey);
        using var response = await client.GetAsync(new Uri($"/api/frame.jpeg?src=demo&{size}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("must be a whole number of pixels from 16 to 4096", await DetailAsync(response), StringComparison.Ordinal);
        Assert.Equal(before, Egress.Decodes);
    }

    [Fact]
    public async Task Fifty_concurrent_requests_share_one_decode_and_the_cache_answers_polling_until_it_expires()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", TokenModeFactory.ApiKey);
        var url = new Uri("/api/frame.jpeg?src=demo&width=96", UriKind.Relative);

        // A size no other test asks for, and the stream warmed up: the first decode below is the only one.
        using (var warm = await client.GetAsync(new Uri("/api/frame.jpeg?src=demo&width=98", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var before = Egress.Decodes;
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var r = await client.GetAsync(url);
            return (r.StatusCode, Bytes: await r.Content.ReadAsByteArrayAsync());
        }));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(responses.Select(r => Convert.ToBase64String(r.Bytes)).Distinct());
        Assert.Equal(before + 1, Egress.Decodes);

        // Polling within the cache time: the same picture, no decode.
        using (var again = await client.GetAsync(url))
        {
            Assert.Equal(responses[0].Bytes, await again.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(before + 1, Egress.Decodes);

        // After it: a new decode.
        await Task.Delay(SnapshotFactory.CacheTime + TimeSpan.FromMilliseconds(200));
        using (var later = await client.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        }

        Assert.Equal(before + 2, Egress.Decodes);
    }

    internal static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("detail").GetString() ?? "";
    }

    private static async Task<(string Codec, int Width, int Height)> ProbeAsync(byte[] jpeg)
    {
        var file = Path.Combine(Path.GetTempPath(), $"livemux-snapshot-{Guid.NewGuid():N}.jpg");
        await File.WriteAllBytesAsync(file, jpeg);
        try
        {
            var (exit, stdout, stderr) = await Tool.RunAsync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", file], TimeSpan.FromSeconds(20));
            Assert.True(exit == 0, stderr);
            var parts = stdout.Trim().Split(',');
            return (parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>Snapshots without ffmpeg: the reason, the same the server gives for ffmpeg sources.</summary>
public sealed class SnapshotWithoutFfmpegTests(NoFfmpegFactory factory) : IClassFixture<NoFfmpegFactory>
{
    [Fact]
    public async Task It_is_503_with_ffmpeg_not_found()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/frame.jpeg?src=demo", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var detail = await SnapshotEndpointTests.DetailAsync(response);
        Assert.Equal("ffmpeg not found: install ffmpeg or set LiveMux:Ffmpeg:Path", detail);

        // The configured path is for the admin, in the log; not for viewers.
        Assert.Contains(factory.Logs, line => line.Contains("[3441]", StringComparison.Ordinal) && line.Contains(NoFfmpegFactory.MissingPath, StringComparison.Ordinal));
    }
}
