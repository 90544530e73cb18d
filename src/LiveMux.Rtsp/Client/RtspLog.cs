using Microsoft.Extensions.Logging;

namespace LiveMux.Rtsp.Client;

/// <summary>RTSP client log events. Stable ids 1000-1099. URLs passed here are always the redacted form.</summary>
internal static partial class RtspLog
{
    [LoggerMessage(1000, LogLevel.Debug, "Connecting to {Url}")]
    public static partial void Connecting(ILogger logger, string url);

    [LoggerMessage(1001, LogLevel.Debug, "Connected to {Url} ({Endpoint})")]
    public static partial void Connected(ILogger logger, string url, string endpoint);

    [LoggerMessage(1002, LogLevel.Trace, "Sent {Method} {Uri} CSeq={CSeq}")]
    public static partial void RequestSent(ILogger logger, string method, string uri, int cseq);

    [LoggerMessage(1003, LogLevel.Trace, "Received {StatusCode} {Reason} CSeq={CSeq}")]
    public static partial void ResponseReceived(ILogger logger, int statusCode, string reason, int cseq);

    [LoggerMessage(1004, LogLevel.Debug, "{Url} asks for {Scheme} authentication")]
    public static partial void AuthChallenged(ILogger logger, string url, string scheme);

    [LoggerMessage(1005, LogLevel.Debug, "{Url} marked the digest nonce stale; retrying with the new nonce")]
    public static partial void NonceStale(ILogger logger, string url);

    [LoggerMessage(1006, LogLevel.Information, "{Url}: server {Server}, tracks {Tracks}")]
    public static partial void Described(ILogger logger, string url, string server, string tracks);

    [LoggerMessage(1007, LogLevel.Debug, "{Url}: track {TrackIndex} ({Track}) set up on channels {RtpChannel}-{RtcpChannel}")]
    public static partial void TrackSetUp(ILogger logger, string url, int trackIndex, string track, int rtpChannel, int rtcpChannel);

    [LoggerMessage(1008, LogLevel.Information, "{Url}: playing {TrackCount} track(s), session timeout {SessionTimeout}")]
    public static partial void Playing(ILogger logger, string url, int trackCount, TimeSpan sessionTimeout);

    [LoggerMessage(1009, LogLevel.Trace, "{Url}: keepalive {Method} sent")]
    public static partial void KeepaliveSent(ILogger logger, string url, string method);

    [LoggerMessage(1010, LogLevel.Debug, "{Url}: keepalive answered {StatusCode}")]
    public static partial void KeepaliveAnswered(ILogger logger, string url, int statusCode);

    [LoggerMessage(1011, LogLevel.Trace, "{Url}: server sent request {Method}; answering {StatusCode}")]
    public static partial void ServerRequest(ILogger logger, string url, string method, int statusCode);

    [LoggerMessage(1012, LogLevel.Debug, "{Url}: ignoring unexpected response {StatusCode} CSeq={CSeq}")]
    public static partial void UnexpectedResponse(ILogger logger, string url, int statusCode, int cseq);

    [LoggerMessage(1013, LogLevel.Debug, "{Url}: {Count} interleaved frame(s) dropped before PLAY")]
    public static partial void FramesDroppedBeforePlay(ILogger logger, string url, int count);

    [LoggerMessage(1014, LogLevel.Information, "{Url}: session stopped")]
    public static partial void SessionStopped(ILogger logger, string url);

    [LoggerMessage(1015, LogLevel.Warning, "{Url}: session failed ({Kind}): {Reason}")]
    public static partial void SessionFailed(ILogger logger, string url, RtspErrorKind kind, string reason);

    [LoggerMessage(1016, LogLevel.Debug, "{Url}: TEARDOWN not acknowledged: {Reason}")]
    public static partial void TeardownFailed(ILogger logger, string url, string reason);

    [LoggerMessage(1017, LogLevel.Debug, "{Url}: OPTIONS answered {StatusCode}; continuing")]
    public static partial void OptionsRejected(ILogger logger, string url, int statusCode);

    [LoggerMessage(1018, LogLevel.Information, "{Url}: redirected to {Location}")]
    public static partial void Redirected(ILogger logger, string url, string location);

    [LoggerMessage(1019, LogLevel.Information, "{Url}: RTP over {Transport} ({Why})")]
    public static partial void TransportChosen(ILogger logger, string url, RtspTransport transport, string why);

    [LoggerMessage(1020, LogLevel.Warning, "{Url}: UDP does not work, falling back to TCP: {Reason}")]
    public static partial void FallingBackToTcp(ILogger logger, string url, string reason);

    [LoggerMessage(1021, LogLevel.Information, "{Url}: rtsps carries RTP inside the TLS connection; transport {Configured} ignored")]
    public static partial void TlsForcesTcp(ILogger logger, string url, RtspTransport configured);

    [LoggerMessage(1022, LogLevel.Debug, "{Url}: track {TrackIndex} ({Track}) set up over UDP, client port {ClientPort}, server port {ServerPort}")]
    public static partial void TrackSetUpUdp(ILogger logger, string url, int trackIndex, string track, int clientPort, int serverPort);

    [LoggerMessage(1023, LogLevel.Trace, "{Url}: RTCP receiver report sent for track {TrackIndex}")]
    public static partial void ReceiverReportSent(ILogger logger, string url, int trackIndex);

    [LoggerMessage(1024, LogLevel.Debug, "{Url}: track {TrackIndex} lost packets, keyframe requested (RTCP PLI)")]
    public static partial void KeyframeRequested(ILogger logger, string url, int trackIndex);
}
