using LiveMux.Hub;

namespace LiveMux.Server.Tests;

/// <summary>Start-up validation: every error names its key, and no message ever carries a URL's password.</summary>
public sealed class LiveMuxOptionsValidatorTests
{
    private const string Password = "s3cr3t-Pa55";

    private static LiveMuxOptions With(string name, StreamOptions stream) =>
        new() { Streams = new(StringComparer.Ordinal) { [name] = stream } };

    private static StreamOptions Good => new() { Url = $"rtsp://admin:{Password}@192.0.2.10:554/Streaming/101" };

    public static TheoryData<string, LiveMuxOptions, string?> Cases => new()
    {
        { "no streams", new LiveMuxOptions(), null },
        { "zero max viewers", new LiveMuxOptions { Limits = new() { MaxViewers = 0 } }, "LiveMux:Limits:MaxViewers must be at least 1" },
        { "negative max connections", new LiveMuxOptions { Limits = new() { MaxConnections = -1 } }, "LiveMux:Limits:MaxConnections must be at least 1" },
        { "zero max upgraded connections", new LiveMuxOptions { Limits = new() { MaxUpgradedConnections = 0 } }, "LiveMux:Limits:MaxUpgradedConnections must be at least 1" },
        { "zero pending handshakes", new LiveMuxOptions { Limits = new() { MaxPendingHandshakesPerAddress = 0 } }, "LiveMux:Limits:MaxPendingHandshakesPerAddress must be at least 1" },
        { "one of each", new LiveMuxOptions { Limits = new() { MaxViewers = 1, MaxConnections = 1, MaxUpgradedConnections = 1, MaxPendingHandshakesPerAddress = 1 } }, null },
        { "good stream", With("cam1", Good), null },
        { "name with dot, dash, underscore", With("Front_door-2.hd", Good), null },
        { "64-character name", With(new string('a', 64), Good), null },
        { "rtsps", With("cam", new StreamOptions { Url = "rtsps://cam.example:322/live" }), null },
        { "name with a space", With("bad name", Good), "LiveMux:Streams:bad name: stream names" },
        { "name with a slash", With("a/b", Good), "LiveMux:Streams:a/b: stream names" },
        { "name starting with a dot", With(".hidden", Good), "LiveMux:Streams:.hidden: stream names" },
        { "65-character name", With(new string('a', 65), Good), "stream names use letters" },
        { "missing URL", With("cam", new StreamOptions()), "LiveMux:Streams:cam:Url is required" },
        { "blank URL", With("cam", new StreamOptions { Url = "   " }), "LiveMux:Streams:cam:Url is required" },
        { "http URL with password", With("cam", new StreamOptions { Url = $"http://admin:{Password}@cam/live" }), "LiveMux:Streams:cam:Url is not a valid RTSP URL" },
        { "bad port with password", With("cam", new StreamOptions { Url = $"rtsp://admin:{Password}@cam:99999/live" }), "LiveMux:Streams:cam:Url is not a valid RTSP URL" },
        { "bad escape in password", With("cam", new StreamOptions { Url = $"rtsp://admin:{Password}%zz@cam/live" }), "LiveMux:Streams:cam:Url is not a valid RTSP URL" },
        { "negative idle timeout", With("cam", Good with { IdleTimeout = TimeSpan.FromSeconds(-1) }), "LiveMux:Streams:cam:IdleTimeout must be a positive time span" },
        { "zero media timeout", With("cam", Good with { MediaTimeout = TimeSpan.Zero }), "LiveMux:Streams:cam:MediaTimeout must be a positive" },
        { "negative connect timeout", With("cam", Good with { ConnectTimeout = TimeSpan.FromSeconds(-5) }), "LiveMux:Streams:cam:ConnectTimeout must be a positive" },
        { "zero reconnect delay", With("cam", Good with { ReconnectInitialDelay = TimeSpan.Zero }), "LiveMux:Streams:cam:ReconnectInitialDelay must be a positive" },
        { "max delay below initial", With("cam", Good with { ReconnectInitialDelay = TimeSpan.FromSeconds(10), ReconnectMaxDelay = TimeSpan.FromSeconds(5) }), "LiveMux:Streams:cam:ReconnectMaxDelay must be at least" },
        { "negative GOP cache", With("cam", Good with { GopCacheMaxBytes = -1 }), "LiveMux:Streams:cam:GopCacheMaxBytes must not be negative" },
        { "GOP cache off", With("cam", Good with { GopCacheMaxBytes = 0 }), null },
        { "transport udp", With("cam", Good with { Transport = "udp" }), null },
        { "transport AUTO any case", With("cam", Good with { Transport = "AUTO" }), null },
        { "transport unknown", With("cam", Good with { Transport = "quic" }), "LiveMux:Streams:cam:Transport must be tcp, udp or auto" },
        { "transport as a number", With("cam", Good with { Transport = "1" }), "LiveMux:Streams:cam:Transport must be tcp, udp or auto" },
        { "pin with colons", With("cam", Good with { CertificateThumbprint = string.Join(':', Enumerable.Repeat("AB", 32)) }), null },
        { "pin too short", With("cam", Good with { CertificateThumbprint = "ABCD" }), "LiveMux:Streams:cam:CertificateThumbprint must be" },
        { "one queued frame", new LiveMuxOptions { Viewers = new ViewerQueueOptions { MaxQueuedFrames = 1 } }, "LiveMux:Viewers: MaxQueuedFrames must be at least 2" },
        { "tiny byte queue", new LiveMuxOptions { Viewers = new ViewerQueueOptions { MaxQueuedBytes = 65535 } }, "MaxQueuedBytes at least 65536" },
        { "smallest viewer queue", new LiveMuxOptions { Viewers = new ViewerQueueOptions { MaxQueuedFrames = 2, MaxQueuedBytes = 65536 } }, null },
        { "negative slow-viewer timeout", new LiveMuxOptions { Viewers = new ViewerQueueOptions { SlowViewerTimeout = TimeSpan.FromSeconds(-1) } }, "LiveMux:Viewers:SlowViewerTimeout must be a positive" },
        { "zero handshake timeout", new LiveMuxOptions { HandshakeTimeout = TimeSpan.Zero }, "LiveMux:HandshakeTimeout must be a positive" },
        { "ffmpeg source", With("f", new StreamOptions { Ffmpeg = new() { Input = "/media/clip.mp4", InputOptions = "-re -stream_loop -1", Video = FfmpegVideo.H264, Audio = FfmpegAudio.Opus } }), null },
        { "ffmpeg source with a password in its URL", With("f", new StreamOptions { Ffmpeg = new() { Input = $"rtmp://u:{Password}@host/live" } }), null },
        { "both Url and Ffmpeg:Input", With("f", Good with { Ffmpeg = new() { Input = "/media/clip.mp4" } }), "LiveMux:Streams:f: set either Url or Ffmpeg:Input, not both" },
        { "Ffmpeg without Input or Url", With("f", new StreamOptions { Ffmpeg = new() { Audio = FfmpegAudio.Copy } }), "LiveMux:Streams:f:Url is required" },
        { "unterminated quote", With("f", new StreamOptions { Ffmpeg = new() { Input = "a.mp4", InputOptions = "-headers 'Cookie: x" } }), "LiveMux:Streams:f:Ffmpeg:InputOptions: unterminated ' quote" },
        { "-i in InputOptions", With("f", new StreamOptions { Ffmpeg = new() { Input = "a.mp4", InputOptions = "-re -i other.mp4" } }), "must not contain -i" },
        { "stdin as input", With("f", new StreamOptions { Ffmpeg = new() { Input = "pipe:0" } }), "cannot be standard input" },
        { "relative ffmpeg path", new LiveMuxOptions { Ffmpeg = new() { Path = "bin/ffmpeg" } }, "LiveMux:Ffmpeg:Path must be an absolute path" },
        { "relative media directory", new LiveMuxOptions { Ffmpeg = new() { MediaDirectory = "media" } }, "LiveMux:Ffmpeg:MediaDirectory must be an absolute path" },
        { "camera with transcode fallback and an ffmpeg path", With("cam", Good with { TranscodeFallback = true }) with { Ffmpeg = new() { Path = "/opt/ffmpeg/bin/ffmpeg", MediaDirectory = "/srv/media" } }, null },
        { "publish stream", With("p", new StreamOptions { Publish = true, PublishPassword = Password }), null },
        { "publish stream with transcode fallback", With("p", new StreamOptions { Publish = true, PublishPassword = Password, TranscodeFallback = true }), null },
        { "publish without a password", With("p", new StreamOptions { Publish = true }), "LiveMux:Streams:p:PublishPassword is required with Publish=true" },
        { "publish with a 7-character password", With("p", new StreamOptions { Publish = true, PublishPassword = Password[..7] }), "LiveMux:Streams:p:PublishPassword must be at least 8 characters" },
        { "publish with an 8-character password", With("p", new StreamOptions { Publish = true, PublishPassword = Password[..8] }), null },
        { "publish with a control character", With("p", new StreamOptions { Publish = true, PublishPassword = Password + "\r\n" }), "without control characters" },
        { "publish and Url", With("p", Good with { Publish = true, PublishPassword = Password }), "LiveMux:Streams:p: set one of Url, Ffmpeg:Input and Publish, not several" },
        { "publish and Ffmpeg:Input", With("p", new StreamOptions { Publish = true, PublishPassword = Password, Ffmpeg = new() { Input = "/media/clip.mp4" } }), "set one of Url, Ffmpeg:Input and Publish" },
        { "publish password on a camera", With("cam", Good with { PublishPassword = Password }), "LiveMux:Streams:cam:PublishPassword is only for a stream with Publish=true" },
        { "camera with ffmpeg transcode options", With("cam", Good with { Ffmpeg = new() { Video = FfmpegVideo.H264 } }), "InputOptions, Video and Audio need Ffmpeg:Input" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate(string name, LiveMuxOptions options, string? expectedError)
    {
        var errors = LiveMuxOptionsValidator.Validate(options);
        if (expectedError is null)
        {
            Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors)}");
        }
        else
        {
            Assert.True(errors.Count == 1, $"{name}: expected one error, got: {string.Join("; ", errors)}");
            Assert.Contains(expectedError, errors[0]);
        }

        Assert.All(errors, e => Assert.DoesNotContain(Password, e));
        Assert.All(errors, e => Assert.DoesNotContain(Password[..7], e));
        Assert.All(errors, e => Assert.DoesNotContain("admin", e));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = new LiveMuxOptions
        {
            Streams = new(StringComparer.Ordinal)
            {
                ["ok"] = Good,
                ["bad name"] = new StreamOptions { Url = "" },
                ["cam2"] = Good with { IdleTimeout = TimeSpan.FromSeconds(-1) },
            },
            HandshakeTimeout = TimeSpan.Zero,
        };
        var errors = LiveMuxOptionsValidator.Validate(options);
        Assert.Equal(4, errors.Count);
    }
}
