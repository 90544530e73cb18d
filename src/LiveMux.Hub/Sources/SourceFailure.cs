using System.Net.Sockets;
using LiveMux.Rtsp;

namespace LiveMux.Hub.Sources;

/// <summary>
/// Why a source session failed, said twice: the detail (the exception's message, with hosts, ports, status lines
/// and the first bytes of a camera's answer) goes to the admin API and the log; anonymous viewers get a reason
/// they can act on that names no host, port, URL, path or camera banner.
/// </summary>
internal static class SourceFailure
{
    public const string Internal = "internal error";

    public static string ForViewers(Exception e) => e switch
    {
        RtspException r => ForViewers(r),
        StreamSourceException s => s.ViewerReason,
        _ => Internal,
    };

    private static string ForViewers(RtspException e) => e.Kind switch
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
}
