using System.Text.RegularExpressions;
using LiveMux.Hub;
using LiveMux.Rtsp;
using LiveMux.Server.Auth;
using LiveMux.Server.Egress.Rtsp;
using LiveMux.Server.Egress.Snapshot;
using LiveMux.Server.Limits;
using LiveMux.Rtsp.Client;

namespace LiveMux.Server;

/// <summary>Start-up validation with messages that name the offending key. Never echoes a URL: it may hold a password.</summary>
internal static partial class LiveMuxOptionsValidator
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex StreamName();

    public static IReadOnlyList<string> Validate(LiveMuxOptions options)
    {
        var streamErrors = new List<OptionError>();
        foreach (var (name, stream) in options.Streams)
        {
            ValidateStream(streamErrors, name, stream);
        }

        var errors = streamErrors.Select(e => e.Message).ToList();
        if (options.Viewers.MaxQueuedFrames < 2 || options.Viewers.MaxQueuedBytes < 64 * 1024)
        {
            errors.Add("LiveMux:Viewers: MaxQueuedFrames must be at least 2 and MaxQueuedBytes at least 65536");
        }

        Positive(errors, "LiveMux:Viewers:SlowViewerTimeout", options.Viewers.SlowViewerTimeout);
        Positive(errors, "LiveMux:HandshakeTimeout", options.HandshakeTimeout);
        AuthOptionsValidator.Validate(errors, options.Auth);
        HostPolicy.Validate(errors, options.PublicHosts);
        FfmpegOptionsValidator.Validate(errors, options.Ffmpeg);
        LimitsOptionsValidator.Validate(errors, options.Limits);
        RtspOptions.Validate(errors, options.Rtsp);
        SnapshotOptions.Validate(errors, options.Snapshots);
        return errors;
    }

    /// <summary>One stream's checks, shared by start-up, configuration reloads and the REST API.</summary>
    public static void ValidateStream(List<OptionError> errors, string name, StreamOptions stream)
    {
        var key = $"LiveMux:Streams:{name}";
        if (!StreamName().IsMatch(name))
        {
            errors.Add(new("name", $"{key}: stream names use letters, digits, '_', '-' and '.', at most 64 characters"));
        }

        var ffmpegInput = !string.IsNullOrWhiteSpace(stream.Ffmpeg?.Input);
        var url = !string.IsNullOrWhiteSpace(stream.Url);
        var sources = (url ? 1 : 0) + (ffmpegInput ? 1 : 0) + (stream.Publish ? 1 : 0);
        if (sources > 1)
        {
            errors.Add(stream.Publish
                ? new("publish", $"{key}: set one of Url, Ffmpeg:Input and Publish, not several")
                : new("url", $"{key}: set either Url or Ffmpeg:Input, not both"));
        }
        else if (sources == 0)
        {
            errors.Add(new("url", $"{key}:Url is required (rtsp://[user:pass@]host[:port]/path), or Ffmpeg:Input for an ffmpeg source, or Publish=true for an RTSP publisher"));
        }
        else if (url && !RtspUrl.TryParse(stream.Url, out _, out var error))
        {
            errors.Add(new("url", $"{key}:Url is not a valid RTSP URL: {error}"));
        }

        ValidatePublish(errors, key, stream);

        if (stream.Ffmpeg is { } ffmpeg)
        {
            FfmpegOptionsValidator.Validate(errors, key, ffmpeg, ffmpegInput);
        }

        Positive(errors, key, "IdleTimeout", stream.IdleTimeout);
        Positive(errors, key, "MediaTimeout", stream.MediaTimeout);
        Positive(errors, key, "ConnectTimeout", stream.ConnectTimeout);
        Positive(errors, key, "ReconnectInitialDelay", stream.ReconnectInitialDelay);
        if (stream.ReconnectMaxDelay < stream.ReconnectInitialDelay)
        {
            errors.Add(new("reconnectMaxDelay", $"{key}:ReconnectMaxDelay must be at least ReconnectInitialDelay"));
        }

        if (stream.GopCacheMaxBytes < 0)
        {
            errors.Add(new("gopCacheMaxBytes", $"{key}:GopCacheMaxBytes must not be negative"));
        }

        if (!RtspTransportNames.TryParse(stream.Transport, out _))
        {
            errors.Add(new("transport", $"{key}:Transport must be tcp, udp or auto"));
        }

        if (stream.CertificateThumbprint is not null && !RtspTransportNames.IsValidThumbprint(stream.CertificateThumbprint))
        {
            errors.Add(new("certificateThumbprint", $"{key}:CertificateThumbprint must be the certificate's SHA-256 as 64 hex digits (':' separators allowed)"));
        }
    }

    /// <summary>The publish password is checked, never quoted: no message here holds it.</summary>
    private static void ValidatePublish(List<OptionError> errors, string key, StreamOptions stream)
    {
        if (!stream.Publish)
        {
            if (!string.IsNullOrEmpty(stream.PublishPassword))
            {
                errors.Add(new("publishPassword", $"{key}:PublishPassword is only for a stream with Publish=true"));
            }

            return;
        }

        if (string.IsNullOrEmpty(stream.PublishPassword))
        {
            errors.Add(new("publishPassword", $"{key}:PublishPassword is required with Publish=true (at least {MinPublishPasswordLength} characters)"));
        }
        else if (stream.PublishPassword.Length < MinPublishPasswordLength)
        {
            errors.Add(new("publishPassword", $"{key}:PublishPassword must be at least {MinPublishPasswordLength} characters"));
        }
        else if (stream.PublishPassword.Length > MaxPublishPasswordLength || UrlUserInfo.HasControl(stream.PublishPassword))
        {
            errors.Add(new("publishPassword", $"{key}:PublishPassword must be at most {MaxPublishPasswordLength} characters, without control characters"));
        }
    }

    public const int MinPublishPasswordLength = 8;

    public const int MaxPublishPasswordLength = 256;

    private static void Positive(List<OptionError> errors, string key, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add(new(char.ToLowerInvariant(setting[0]) + setting[1..], $"{key}:{setting} must be a positive time span such as 00:00:10"));
        }
    }

    private static void Positive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{key} must be a positive time span such as 00:00:10");
        }
    }
}
