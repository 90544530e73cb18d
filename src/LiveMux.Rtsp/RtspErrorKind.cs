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

    /// <summary>rtsps: the camera's TLS certificate was not accepted (untrusted, wrong name or not the pinned one).</summary>
    CertificateRejected,

    /// <summary>rtsps: the TLS handshake failed for another reason (protocol version, closed connection).</summary>
    TlsFailed,

    /// <summary>More redirects than <see cref="RtspClientOptions.MaxRedirects"/>, or a redirect without a usable Location.</summary>
    TooManyRedirects,

    /// <summary>The camera stopped reading: a request or a reply to its own request could not be sent in time.</summary>
    SendTimeout,
}
