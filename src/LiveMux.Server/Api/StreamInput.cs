namespace LiveMux.Server.Api;

/// <summary>
/// The body of <c>POST /api/streams</c> and <c>PUT /api/streams/{name}</c>: a stream's settings, named as in
/// <c>LiveMux:Streams:&lt;name&gt;</c> but camelCase. Omitted settings take their defaults. Time spans are
/// strings such as <c>00:00:30</c>, as in configuration.
/// </summary>
internal sealed record StreamInput
{
    /// <summary>Required on POST; on PUT optional and then equal to the name in the path.</summary>
    public string? Name { get; init; }

    /// <summary>rtsp:// or rtsps:// URL of a camera; it may hold user information, which is stored and never shown.</summary>
    public string? Url { get; init; }

    /// <summary>Write-only. On PUT, omitted keeps the stored one and "" clears it.</summary>
    public string? Username { get; init; }

    /// <summary>Write-only. On PUT, omitted keeps the stored one and "" clears it.</summary>
    public string? Password { get; init; }

    /// <summary>tcp, udp or auto.</summary>
    public string? Transport { get; init; }

    public bool? AlwaysOn { get; init; }

    public bool? TranscodeFallback { get; init; }

    public string? IdleTimeout { get; init; }

    public string? MediaTimeout { get; init; }

    public string? ConnectTimeout { get; init; }

    public string? ReconnectInitialDelay { get; init; }

    public string? ReconnectMaxDelay { get; init; }

    public string? TrackConfigTimeout { get; init; }

    public int? GopCacheMaxBytes { get; init; }

    public bool? AllowSelfSignedCertificate { get; init; }

    public string? CertificateThumbprint { get; init; }

    /// <summary>An ffmpeg process as the source instead of <see cref="Url"/>.</summary>
    public FfmpegInput? Ffmpeg { get; init; }

    /// <summary>The stream takes one RTSP publisher at <c>rtsp://HOST:PORT/&lt;name&gt;</c> instead of <see cref="Url"/> or <see cref="Ffmpeg"/>.</summary>
    public bool? Publish { get; init; }

    /// <summary>Write-only, required with <see cref="Publish"/> (at least 8 characters). On PUT, omitted keeps the stored one.</summary>
    public string? PublishPassword { get; init; }
}

/// <summary>
/// An ffmpeg source through the API: a network URL or a file in the media directory, and input options from an
/// allowlist. There is no binary to choose: that is configuration only (<c>LiveMux:Ffmpeg:Path</c>).
/// </summary>
internal sealed record FfmpegInput
{
    /// <summary>An rtsp, rtsps, rtmp, rtmps, http, https or srt URL, or a file's path inside <c>LiveMux:Ffmpeg:MediaDirectory</c>.</summary>
    public string? Input { get; init; }

    /// <summary>ffmpeg input options from the allowlist, e.g. <c>-rtsp_transport tcp -fflags nobuffer</c>.</summary>
    public string? InputOptions { get; init; }

    /// <summary>copy or h264.</summary>
    public string? Video { get; init; }

    /// <summary>copy, aac, opus or none.</summary>
    public string? Audio { get; init; }
}
