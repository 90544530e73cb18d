namespace LiveMux.Server;

/// <summary>
/// What <c>--help</c> prints. The defaults listed here are checked against the options records by
/// HelpTextTests, so a changed default fails a test until this text follows it.
/// </summary>
internal static class HelpText
{
    /// <summary>True when the command line asks for help; checked before the host is built, so nothing starts.</summary>
    public static bool IsRequested(IReadOnlyList<string> args) =>
        args.Any(a => a is "--help" or "-h" or "-?" or "/?");

    public const string Text = """
        LiveMux: IP-camera RTSP streams to the browser as fragmented MP4 over WebSocket.

        Usage:
          LiveMux.Server [--urls <url>[;<url>...]] [--log-format json|text] [--<Key>=<value>...]
          LiveMux.Server --help | -h

        Options:
          --urls <urls>            Addresses to listen on; default http://localhost:8080.
                                   Example: --urls http://0.0.0.0:8080
          --log-format json|text   json: one JSON object per line on stdout (category, event id, level,
                                   message and the structured state, e.g. Stream). text (default):
                                   human-readable lines. Same as Logging:Console:FormatterName=json|simple.
          -h, --help               Print this text and exit.

        Every configuration key can be set three ways (later ones win):
          appsettings.json         {"LiveMux":{"Streams":{"cam1":{"Url":"rtsp://..."}}}}
          environment              LiveMux__Streams__cam1__Url=rtsp://...   (':' becomes '__')
          command line             --LiveMux:Streams:cam1:Url=rtsp://user:pass@host/path
        Time spans are [d.]hh:mm:ss[.fff], e.g. 00:00:30. Booleans are true/false.

        Streams (<name>: ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$; a ~ suffix is reserved):
          Key (LiveMux:Streams:<name>:...)   Default    Meaning
          Url                                (empty)    rtsp:// or rtsps://[user:pass@]host[:port]/path
          Transport                          tcp        tcp (interleaved), udp, or auto (UDP, then TCP)
          AlwaysOn                           false      keep the camera session open with no viewers
          IdleTimeout                        00:00:30   close the camera session this long after the last viewer
          MediaTimeout                       00:00:05   no media this long counts as a lost camera
          ConnectTimeout                     00:00:05   connect + DESCRIBE/SETUP/PLAY deadline
          ReconnectInitialDelay              00:00:00.25  first retry delay (doubles each time)
          ReconnectMaxDelay                  00:00:02   cap of the retry delay
          GopCacheMaxBytes                   16777216   larger GOPs are not cached (viewers wait for a keyframe)
          TrackConfigTimeout                 00:00:03   wait this long for every track's SPS/config
          TranscodeFallback                  false      serve H.264 (one ffmpeg) to browsers without HEVC
          AllowSelfSignedCertificate         false      rtsps: accept a self-signed camera certificate
          CertificateThumbprint              (none)     rtsps: accept only this SHA-256 certificate (hex)
          Ffmpeg:Input                       (empty)    an ffmpeg input instead of Url (file, http, rtmp, device)
          Ffmpeg:InputOptions                (empty)    ffmpeg options before -i, e.g. "-re -stream_loop -1"
          Ffmpeg:Video                       Copy       Copy or H264 (libx264 transcode)
          Ffmpeg:Audio                       Copy       Copy, Aac, Opus or None
          Publish                            false      take one RTSP publisher (ANNOUNCE/RECORD, TCP or UDP) at
                                                       rtsp://HOST:8554/<name> instead of Url or Ffmpeg:Input
          PublishPassword                    (none)     required with Publish (at least 8 characters): the
                                                       publisher's Basic/Digest password, any user name; never shown
        Exactly one of Url, Ffmpeg:Input and Publish is set per stream. A publish stream runs with or without
        viewers; while no publisher is connected, its viewers are told "waiting for the publisher". Streams added through the API are held to
        network URLs (rtsp, rtsps, rtmp, rtmps, http, https, srt) or files in Ffmpeg:MediaDirectory, and to an
        allowlist of input options; configured streams are not.

        Server (LiveMux:...):
          Key                                Default    Meaning
          StreamsFile                        streams.json  streams added through the API; relative to the
                                                       working directory; hand edits are picked up while running
          Demo                               (none)     serve the built-in demo stream; none: only when no
                                                       stream is configured
          HandshakeTimeout                   00:00:10   how long a WebSocket viewer has to send its codec list
          Ffmpeg:Path                        (empty)    the ffmpeg binary (absolute path) of every ffmpeg stream
                                                       and transcode; empty: ffmpeg on PATH
          Ffmpeg:MediaDirectory              (empty)    the directory whose files streams added through the API
                                                       may play (absolute path); empty: network URLs only
          Viewers:MaxQueuedFrames            120        a viewer further behind skips to the next keyframe
          Viewers:MaxQueuedBytes             8388608    the same limit in bytes
          Viewers:SlowViewerTimeout          00:00:10   a viewer that keeps skipping this long is disconnected
          Limits:MaxConnections              2000       open HTTP connections; Kestrel closes more at once
          Limits:MaxUpgradedConnections      5000       open WebSockets (not counted as connections); more: 503
          Limits:MaxPendingHandshakesPerAddress 256     WebSockets from one address (IPv6: one /64) still
                                                       waiting for their codec list; more: 429
          Limits:MaxViewers                  2000       viewers per stream, WebSocket and stream.mp4; more are
                                                       told so (WebSocket error message, HTTP 503)
          Metrics:RequireAdmin               false      make /metrics admin-only
          Rtsp:Port                          8554       RTSP server: every stream at rtsp://HOST:8554/<name>,
                                                       publishers on publish streams; 0 turns it off
          Rtsp:Address                       (none)     IP to listen on; none: the HTTP server's interfaces
          Rtsp:UdpPort                       8000       UDP RTP port (RTCP: the next); 0: any free pair;
                                                       -1: TCP only
          Rtsp:MaxConnections                200        open RTSP connections; more are answered 503
          Rtsp:SessionTimeout                00:01:00   an RTSP client silent this long is closed
          Snapshots:CacheTime                00:00:00.5 a snapshot answers requests of the same size this long
                                                       (0: decode for each; concurrent requests share one)
          Snapshots:Timeout                  00:00:10   how long a snapshot waits for an idle stream's picture
          Snapshots:DecodeTimeout            00:00:05   an ffmpeg snapshot decode running longer is killed
          Snapshots:MaxDecodes               2          snapshot decodes at once, all streams; more wait
          PublicHosts                        (none)     host names served besides IP addresses and localhost
                                                       (list; any other Host header gets 403)

          Auth:ApiKey                        (none)     admin key: X-Api-Key: <key> or Authorization: Bearer <key>
          Auth:Username                      (none)     admin Basic credentials (with Auth:Password); with no
          Auth:Password                      (none)     admin credentials at all, admin works from localhost only
          Auth:Viewers                       open       open, or token: viewers need a signed token (?token=)
          Auth:TokenSecret                   (none)     HMAC secret, at least 32 characters; required for token
          Auth:PublicStreams                 (none)     streams that stay open in token mode (list)
          Auth:AllowedOrigins                (none)     extra WebSocket Origins (list; * allows any)
        Lists: --LiveMux:Auth:PublicStreams:0=cam1, LiveMux__Auth__PublicStreams__1=cam2, or a JSON array.

        Also: Logging:LogLevel:Default (Information), Logging:LogLevel:<Category>, e.g.
        Logging:LogLevel:LiveMux.Rtsp=Debug; ASPNETCORE_URLS is the environment form of --urls.

        Files:
          appsettings.json         next to the program (the content root); optional
          streams.json             LiveMux:StreamsFile; written by the API; in the container and the
                                   systemd unit: /var/lib/livemux/streams.json
          wwwroot/                 the dashboard, player.html and livemux-player.js

        RTSP readers follow viewer auth: with Auth:Viewers=token the password (any user name, Basic) is a
        viewer token for the stream, or the admin's password or API key; public streams stay open.

        Endpoints: / (dashboard), /player.html?src=<name>, /api/ws?src=<name>, /api/stream.mp4?src=<name>,
        /api/frame.jpeg?src=<name>[&width=W][&height=H], /api/streams, /openapi/v1.json, /metrics, /healthz, /readyz.

        Exit codes:
          0   stopped normally (SIGTERM/Ctrl-C: viewers are told, cameras get TEARDOWN), or --help
          2   invalid configuration (each problem is logged with its key)
          3   the HTTP address is in use by another program (the log names it)
          other: the host failed to start

        """;
}
