namespace LiveMux.Rtsp.Client;

public sealed record RtspClientOptions
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>No RTP at all for this long fails the session with <see cref="RtspErrorKind.NoMedia"/>.</summary>
    public TimeSpan MediaTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Status line plus headers of one message.</summary>
    public int MaxHeaderBytes { get; init; } = 16 * 1024;

    /// <summary>Content-Length of one message.</summary>
    public int MaxBodyBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// The body of a request the camera sends us (GET_PARAMETER, ANNOUNCE) is kept up to this size; a longer one
    /// is read past and dropped. Requests are answered without looking at their bodies.
    /// </summary>
    public int MaxRequestBodyBytes { get; init; } = 4 * 1024;

    /// <summary>
    /// Until PLAY is answered, the bytes of everything the camera sends that is not the awaited response (its own
    /// requests, interleaved data, stray responses); more fails the session with <see cref="RtspErrorKind.LimitExceeded"/>.
    /// </summary>
    public int MaxPrePlayBytes { get; init; } = 512 * 1024;

    public int MaxInterleavedFrameBytes { get; init; } = 65535;
    public string UserAgent { get; init; } = "LiveMux";

    /// <summary>rtsps:// always uses <see cref="RtspTransport.Tcp"/> (interleaved inside TLS).</summary>
    public RtspTransport Transport { get; init; } = RtspTransport.Tcp;

    /// <summary>With <see cref="RtspTransport.Auto"/>: no RTP over UDP this long after PLAY means: retry over TCP.</summary>
    public TimeSpan UdpFirstPacketTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often RTCP receiver reports go to the camera over UDP (RFC 3550 section 6.2 suggests 5 s).</summary>
    public TimeSpan ReceiverReportInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>UDP packets held per track while waiting for a missing sequence number.</summary>
    public int ReorderMaxPackets { get; init; } = 64;

    /// <summary>How long a gap in the UDP sequence may hold later packets back before it is declared lost.</summary>
    public TimeSpan ReorderMaxWait { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// UDP: when a gap in a video track is given up, ask the camera for a keyframe with an RTCP PLI (RFC 4585), so
    /// the picture resumes within a round trip instead of at the next scheduled keyframe. Cameras that do not
    /// understand it ignore it.
    /// </summary>
    public bool RequestKeyframeOnLoss { get; init; } = true;

    /// <summary>At most one keyframe request per video track this often: a burst of loss is one request.</summary>
    public TimeSpan KeyframeRequestMinInterval { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>UDP datagrams queued between the sockets and the session loop (and at most 16 MB); more are dropped and counted.</summary>
    public int UdpQueueCapacity { get; init; } = 2048;

    /// <summary>rtsps: accept a certificate whose chain does not validate (a camera's self-signed one).</summary>
    public bool AllowSelfSignedCertificate { get; init; }

    /// <summary>rtsps: hex SHA-256 of the camera's certificate; when set, only that certificate is accepted.</summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>Redirects (3xx with Location) followed before giving up.</summary>
    public int MaxRedirects { get; init; } = 5;
}
