using System.Text.RegularExpressions;
using LiveMux.Rtsp;
using LiveMux.Server.Auth;

namespace LiveMux.Server;

/// <summary>Start-up validation with messages that name the offending key. Never echoes a URL: it may hold a password.</summary>
internal static partial class LiveMuxOptionsValidator
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex StreamName();

    public static IReadOnlyList<string> Validate(LiveMuxOptions options)
    {
        var errors = new List<string>();
        foreach (var (name, stream) in options.Streams)
        {
            var key = $"LiveMux:Streams:{name}";
            if (!StreamName().IsMatch(name))
            {
                errors.Add($"{key}: stream names use letters, digits, '_', '-' and '.', at most 64 characters");
            }

            var ffmpegInput = !string.IsNullOrWhiteSpace(stream.Ffmpeg?.Input);
            if (string.IsNullOrWhiteSpace(stream.Url) == !ffmpegInput)
            {
                errors.Add(ffmpegInput
                    ? $"{key}: set either Url or Ffmpeg:Input, not both"
                    : $"{key}:Url is required (rtsp://[user:pass@]host[:port]/path), or Ffmpeg:Input for an ffmpeg source");
            }
            else if (!ffmpegInput && !RtspUrl.TryParse(stream.Url, out _, out var error))
            {
                errors.Add($"{key}:Url is not a valid RTSP URL: {error}");
            }

            if (stream.Ffmpeg is { } ffmpeg)
            {
                FfmpegOptionsValidator.Validate(errors, key, ffmpeg, ffmpegInput);
            }

            Positive(errors, $"{key}:IdleTimeout", stream.IdleTimeout);
            Positive(errors, $"{key}:MediaTimeout", stream.MediaTimeout);
            Positive(errors, $"{key}:ConnectTimeout", stream.ConnectTimeout);
            Positive(errors, $"{key}:ReconnectInitialDelay", stream.ReconnectInitialDelay);
            if (stream.ReconnectMaxDelay < stream.ReconnectInitialDelay)
            {
                errors.Add($"{key}:ReconnectMaxDelay must be at least ReconnectInitialDelay");
            }

            if (stream.GopCacheMaxBytes < 0)
            {
                errors.Add($"{key}:GopCacheMaxBytes must not be negative");
            }

            if (!RtspTransportNames.TryParse(stream.Transport, out _))
            {
                errors.Add($"{key}:Transport must be tcp, udp or auto");
            }

            if (stream.CertificateThumbprint is not null && !RtspTransportNames.IsValidThumbprint(stream.CertificateThumbprint))
            {
                errors.Add($"{key}:CertificateThumbprint must be the certificate's SHA-256 as 64 hex digits (':' separators allowed)");
            }
        }

        if (options.Viewers.MaxQueuedFrames < 2 || options.Viewers.MaxQueuedBytes < 64 * 1024)
        {
            errors.Add("LiveMux:Viewers: MaxQueuedFrames must be at least 2 and MaxQueuedBytes at least 65536");
        }

        Positive(errors, "LiveMux:Viewers:SlowViewerTimeout", options.Viewers.SlowViewerTimeout);
        Positive(errors, "LiveMux:HandshakeTimeout", options.HandshakeTimeout);
        AuthOptionsValidator.Validate(errors, options.Auth);
        return errors;
    }

    private static void Positive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{key} must be a positive time span such as 00:00:10");
        }
    }
}
