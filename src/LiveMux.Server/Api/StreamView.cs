namespace LiveMux.Server.Api;

/// <summary><c>GET /api/streams</c>.</summary>
internal sealed record StreamList(IReadOnlyList<StreamView> Streams);

/// <summary>
/// One stream as the API shows it: state, format, viewers, counters and its settings. Never holds camera
/// credentials: <see cref="Source"/> is redacted, <see cref="Url"/> has no user information.
/// </summary>
internal sealed record StreamView
{
    public required string Name { get; init; }

    /// <summary>idle, starting, live or reconnecting.</summary>
    public required string State { get; init; }

    /// <summary>Why the camera was last lost, while it is reconnecting.</summary>
    public string? Error { get; init; }

    /// <summary>The upstream with credentials replaced by ***.</summary>
    public required string Source { get; init; }

    public string? Codecs { get; init; }

    public string? Mime { get; init; }

    public int? Width { get; init; }

    public int? Height { get; init; }

    public double? Fps { get; init; }

    public required IReadOnlyList<TrackView> Tracks { get; init; }

    public int Viewers { get; init; }

    public bool AlwaysOn { get; init; }

    public ReceptionView? Rtp { get; init; }

    /// <summary>The stream on LiveMux's RTSP server: its path and the clients playing or publishing it now; null while the server is off.</summary>
    public RtspView? Rtsp { get; init; }

    public required CountersView Counters { get; init; }

    /// <summary>Who owns the stream: "api" (the streams file), "config" (read-only here) or "demo".</summary>
    public required string Managed { get; init; }

    /// <summary>The camera URL without user information; null for an ffmpeg source.</summary>
    public string? Url { get; init; }

    /// <summary>Whether a user name or password (or a publish password) is stored; they are write-only.</summary>
    public bool HasCredentials { get; init; }

    /// <summary>True for a stream that takes an RTSP publisher instead of pulling a camera.</summary>
    public bool Publish { get; init; }

    /// <summary>A publish stream's path on the RTSP server (<c>rtsp://HOST:PORT/&lt;name&gt;</c>); null for other streams.</summary>
    public string? PublishPath { get; init; }

    /// <summary>The connected publisher of a publish stream; null when none is (or for other streams).</summary>
    public PublisherView? Publisher { get; init; }

    /// <summary>For an H.264 transcode companion (<c>name~h264</c>): the stream it transcodes.</summary>
    public string? CompanionOf { get; init; }

    /// <summary>The settings in effect, in the shape <c>POST</c> and <c>PUT</c> take (without credentials); null for a companion.</summary>
    public StreamSettings? Settings { get; init; }
}

/// <summary>A stream on the RTSP server: <c>rtsp://HOST:PORT/{Path}</c>, and each client (address, tcp or udp, play or publish, since).</summary>
internal sealed record RtspView(string Path, int Clients, IReadOnlyList<RtspClientView> Sessions);

internal sealed record RtspClientView(string Address, string Transport, string Mode, DateTimeOffset Since);

/// <summary>Who publishes now: its address, "tcp" or "udp" once it records (null before), and since when.</summary>
internal sealed record PublisherView(string Address, string? Transport, DateTimeOffset Since);

internal sealed record TrackView(string Kind, string Codec, int? Width, int? Height, double? Fps, int? SampleRate);

internal sealed record CountersView(long BytesIn, long FramesIn, long FragmentsOut, long BytesOut, long Sessions, long Reconnects, IReadOnlyDictionary<string, long> Drops);

/// <summary>RTP reception of the current (or last) RTSP session.</summary>
internal sealed record ReceptionView(
    string Transport,
    string? Fallback,
    long GarbagePackets,
    long ForeignPackets,
    long QueueOverflows,
    long ReceiverReports,
    long KeyframeRequests,
    IReadOnlyList<ReceptionTrackView> Tracks);

internal sealed record ReceptionTrackView(int Track, long Received, long Expected, long Lost, double LossRatio, long Reordered, long Late, long Skipped, double JitterMs);

/// <summary>A stream's settings as the API echoes them: the input fields, credentials left out.</summary>
internal sealed record StreamSettings(
    string? Url,
    string Transport,
    bool AlwaysOn,
    bool TranscodeFallback,
    string IdleTimeout,
    string MediaTimeout,
    string ConnectTimeout,
    string ReconnectInitialDelay,
    string ReconnectMaxDelay,
    string TrackConfigTimeout,
    int GopCacheMaxBytes,
    bool AllowSelfSignedCertificate,
    string? CertificateThumbprint,
    FfmpegSettings? Ffmpeg,
    bool Publish);

/// <summary>An ffmpeg source's settings; user information in <see cref="Input"/> is redacted. The binary is configuration's (LiveMux:Ffmpeg:Path).</summary>
internal sealed record FfmpegSettings(string Input, string InputOptions, string Video, string Audio);
