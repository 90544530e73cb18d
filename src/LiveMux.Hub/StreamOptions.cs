namespace LiveMux.Hub;

/// <summary>One configured stream: <c>LiveMux:Streams:&lt;name&gt;</c>.</summary>
public sealed record StreamOptions
{
    /// <summary>rtsp://[user:pass@]host[:port]/path. Credentials are used for auth only, never shown.</summary>
    public string Url { get; init; } = "";

    /// <summary>An ffmpeg process as the source instead of <see cref="Url"/>: exactly one of Url, Ffmpeg and Publish is set.</summary>
    public FfmpegOptions? Ffmpeg { get; init; }

    /// <summary>
    /// The stream takes one RTSP publisher (ANNOUNCE/RECORD at <c>rtsp://HOST:PORT/&lt;name&gt;</c>) instead of pulling
    /// a camera or running ffmpeg. It runs while a publisher is connected, viewers or not.
    /// </summary>
    public bool Publish { get; init; }

    /// <summary>
    /// The password a publisher gives (Basic or Digest, any user name); required with <see cref="Publish"/>, at least
    /// 8 characters. Write-only: never shown by the API, logged or quoted in an error.
    /// </summary>
    public string? PublishPassword { get; init; }

    /// <summary>
    /// For a camera stream: a viewer whose browser cannot play the video codec (HEVC) is served an H.264
    /// transcode by one ffmpeg that reads this stream's own output, instead of an error.
    /// </summary>
    public bool TranscodeFallback { get; init; }

    /// <summary>Keep the camera session open with no viewers, so the first viewer starts instantly.</summary>
    public bool AlwaysOn { get; init; }

    /// <summary>How long the camera session stays open after the last viewer leaves.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>No media from the camera for this long counts as a lost camera.</summary>
    public TimeSpan MediaTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Cap of the exponential backoff; a returning camera is picked up within this time.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The GOP cache is skipped for GOPs larger than this; new viewers then wait for a keyframe.</summary>
    public int GopCacheMaxBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// How long a new session waits for every track's decoder configuration (video may need an in-band
    /// SPS) before it goes on with the tracks that have one.
    /// </summary>
    public TimeSpan TrackConfigTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>RTP transport: tcp (interleaved, the default), udp, or auto (UDP, falling back to TCP).</summary>
    public string Transport { get; init; } = "tcp";

    /// <summary>rtsps: accept the camera's self-signed certificate.</summary>
    public bool AllowSelfSignedCertificate { get; init; }

    /// <summary>rtsps: SHA-256 of the camera's certificate (hex, ':' allowed); only that certificate is accepted.</summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>The password is write-only: a record's generated ToString would print it.</summary>
    public override string ToString() => $"StreamOptions {{ Url = {(Url.Length == 0 ? "" : "(set)")}, Ffmpeg = {(Ffmpeg is null ? "" : "(set)")}, Publish = {Publish} }}";
}

/// <summary><c>LiveMux:Streams:&lt;name&gt;:Ffmpeg</c>: one ffmpeg process per stream, its fMP4 output demuxed into the hub.</summary>
public sealed record FfmpegOptions
{
    /// <summary>Anything ffmpeg reads: a file, http(s)://, rtmp://, rtsp://, a device.</summary>
    public string Input { get; init; } = "";

    /// <summary>ffmpeg options placed before <c>-i</c>, e.g. <c>-re -stream_loop -1</c>; split like a shell would, never run by one.</summary>
    public string InputOptions { get; init; } = "";

    public FfmpegVideo Video { get; init; } = FfmpegVideo.Copy;

    public FfmpegAudio Audio { get; init; } = FfmpegAudio.Copy;

    /// <summary>
    /// Set by the server on streams from the API's streams file: what ffmpeg may open. Internal, so the
    /// configuration binder never reads it from a file; null (full power) for configuration's streams.
    /// </summary>
    internal Sources.Ffmpeg.FfmpegRestriction? Restriction { get; init; }

    /// <summary>
    /// These options, allowed to open network URLs only (<paramref name="mediaDirectory"/> null) or files under
    /// <paramref name="mediaDirectory"/> only: what the server sets on streams from the API. A method, not a
    /// settable property, so no configuration file can lift it.
    /// </summary>
    public FfmpegOptions Restricted(string? mediaDirectory) => this with { Restriction = new() { MediaDirectory = mediaDirectory } };
}

public enum FfmpegVideo
{
    /// <summary>Pass the video through unchanged (it must be a codec the hub muxes: H.264, H.265).</summary>
    Copy,

    /// <summary>Transcode to H.264 with libx264 (ultrafast, zerolatency, a keyframe every second).</summary>
    H264,
}

public enum FfmpegAudio
{
    Copy,
    Aac,
    Opus,
    None,
}

/// <summary>The bounded queue every viewer gets.</summary>
public sealed record ViewerQueueOptions
{
    /// <summary>Past this many queued frames the viewer skips to the next keyframe.</summary>
    public int MaxQueuedFrames { get; init; } = 120;

    public int MaxQueuedBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>A viewer that keeps skipping this long is disconnected.</summary>
    public TimeSpan SlowViewerTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
