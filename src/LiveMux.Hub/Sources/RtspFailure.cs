using System.Net.Sockets;
using LiveMux.Rtsp;
using LiveMux.Rtsp.Client;

namespace LiveMux.Hub.Sources;

/// <summary>
/// The RTSP source's failures in the hub's words: the client's message stays the detail for admins, the error kind
/// becomes a reason viewers can act on (no host, port, URL, path or camera banner), and refused credentials wait
/// at least <see cref="AuthenticationRetryDelay"/>. Only the RTSP source knows RTSP errors; the stream sees a
/// <see cref="StreamSourceException"/>.
/// </summary>
internal static class RtspFailure
{
    /// <summary>Retrying bad credentials quickly gets accounts locked on many cameras.</summary>
    public static readonly TimeSpan AuthenticationRetryDelay = TimeSpan.FromSeconds(10);

    /// <summary>The failure as the stream sees it, with <paramref name="message"/> (already redacted) as its detail.</summary>
    public static StreamSourceException ToSourceFailure(RtspException e, string message) => new(message, e)
    {
        ViewerReason = ForViewers(e),
        MinRetryDelay = e.Kind == RtspErrorKind.AuthenticationFailed ? AuthenticationRetryDelay : TimeSpan.Zero,
    };

    public static string ForViewers(RtspException e) => e.Kind switch
    {
        RtspErrorKind.Unreachable => "camera unreachable" + SocketReason(e),
        RtspErrorKind.ConnectTimeout => "camera unreachable (no answer to the connection)",
        RtspErrorKind.ResponseTimeout => "the camera did not answer in time",
        RtspErrorKind.AuthenticationFailed => "the camera rejected the credentials",
        RtspErrorKind.NotFound => "the camera has no such stream",
        RtspErrorKind.BadStatus => "the camera refused the stream",
        RtspErrorKind.MalformedResponse => "the camera did not answer as an RTSP server",
        RtspErrorKind.LimitExceeded => "the camera sent more than LiveMux accepts",
        RtspErrorKind.NoMedia => "no media from the camera",
        RtspErrorKind.NoSupportedTracks => "the camera's codecs are not supported",
        RtspErrorKind.ConnectionClosed => "the camera closed the connection",
        RtspErrorKind.UnsupportedTransport => "the camera does not support the configured transport",
        RtspErrorKind.CertificateRejected => "the camera's TLS certificate was not accepted",
        RtspErrorKind.TlsFailed => "the TLS handshake with the camera failed",
        RtspErrorKind.TooManyRedirects => "the camera redirected too often",
        RtspErrorKind.SendTimeout => "the camera stopped reading",
        _ => "camera error",
    };

    private static string SocketReason(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => " (connection refused)",
                    SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => " (name not found)",
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown => " (no route to the camera)",
                    SocketError.TimedOut => " (timed out)",
                    _ => "",
                };
            }
        }

        return "";
    }

    /// <summary>The session's RTP counters as the hub's neutral reception statistics.</summary>
    public static ReceptionStats ToReception(RtspSessionStats s) => new(
        s.Transport == RtspTransport.Udp ? ReceptionTransport.Udp : ReceptionTransport.Tcp,
        s.FallbackReason,
        [.. s.Tracks.Select(t => new TrackReceptionStats(
            t.TrackIndex, t.PacketsReceived, t.PacketsExpected, t.PacketsLost, t.PacketsReordered, t.PacketsLate, t.PacketsSkipped, t.JitterMilliseconds))],
        s.GarbagePackets,
        s.ForeignPackets,
        s.QueueOverflows,
        s.ReceiverReportsSent,
        s.KeyframeRequestsSent);
}
