using LiveMux.Hub;
using LiveMux.Server.Auth;
using LiveMux.Server.Egress.Rtsp;
using LiveMux.Server.Egress.Snapshot;
using LiveMux.Server.Limits;
using LiveMux.Server.Metrics;

namespace LiveMux.Server;

/// <summary>The <c>LiveMux</c> configuration section.</summary>
public sealed record LiveMuxOptions
{
    public const string Section = "LiveMux";

    /// <summary>Streams by name: <c>LiveMux:Streams:cam1:Url=rtsp://...</c>.</summary>
    public Dictionary<string, StreamOptions> Streams { get; init; } = new(StringComparer.Ordinal);

    public ViewerQueueOptions Viewers { get; init; } = new();

    /// <summary>Serve the built-in demo stream. Null means: only when no stream is configured.</summary>
    public bool? Demo { get; init; }

    /// <summary>How long a WebSocket viewer has to send its codec list.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Host names this server answers to besides IP addresses and <c>localhost</c> (any port): a request whose
    /// <c>Host</c> is anything else is refused, which stops DNS rebinding. Names only, no scheme or port.
    /// </summary>
    public string[] PublicHosts { get; init; } = [];

    /// <summary>Admin and viewer auth: <c>LiveMux:Auth</c>.</summary>
    public AuthOptions Auth { get; init; } = new();

    /// <summary><c>LiveMux:Ffmpeg</c>: the one ffmpeg binary and the API's media directory.</summary>
    public FfmpegServerOptions Ffmpeg { get; init; } = new();

    /// <summary><c>LiveMux:Limits</c>: connections, pending handshakes per address, viewers per stream.</summary>
    public LimitsOptions Limits { get; init; } = new();

    /// <summary><c>LiveMux:Rtsp</c>: the RTSP server (restream and publish).</summary>
    public RtspOptions Rtsp { get; init; } = new();

    /// <summary><c>LiveMux:Metrics</c>.</summary>
    public MetricsOptions Metrics { get; init; } = new();

    /// <summary><c>LiveMux:Snapshots</c>: <c>/api/frame.jpeg</c>.</summary>
    public SnapshotOptions Snapshots { get; init; } = new();
}
