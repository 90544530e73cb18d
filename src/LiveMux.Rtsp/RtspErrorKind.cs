namespace LiveMux.Rtsp;

public enum RtspErrorKind
{
    Unreachable,
    ConnectTimeout,
    ResponseTimeout,
    AuthenticationFailed,
    NotFound,
    BadStatus,
    MalformedResponse,
    LimitExceeded,
    NoMedia,
    NoSupportedTracks,
    ConnectionClosed,
    UnsupportedTransport,
}
