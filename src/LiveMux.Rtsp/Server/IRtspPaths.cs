using System.Net;
using LiveMux.Rtsp.Auth;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// What the server serves beyond its fixed mounts, and to whom: it is asked once per connection and path, at
/// DESCRIBE (or a SETUP without one) for readers and at ANNOUNCE for publishers, with the credentials the request
/// carried. A refusal becomes the answer: 401 with a challenge, 403, 404 or 503, with a reason a client can act on
/// (ffmpeg and GStreamer print the reason phrase).
/// </summary>
public interface IRtspPaths
{
    /// <summary>
    /// A reader wants <paramref name="request"/>'s path. May wait (an idle stream starting, its first format) up to
    /// the caller's token. A granted lease is held until the client's connection ends.
    /// </summary>
    ValueTask<RtspAccess<IRtspMedia>> OpenReadAsync(RtspAccessRequest request, CancellationToken ct);

    /// <summary>A publisher wants to write <paramref name="request"/>'s path.</summary>
    RtspAccess<IRtspPublishTarget> OpenPublish(RtspAccessRequest request);
}

/// <summary>A client's request for a path: its credentials (null when it sent none we can check) and its address.</summary>
public sealed record RtspAccessRequest(string Path, RtspCredentials? Credentials, IPEndPoint? Remote);

public enum RtspRefusal
{
    None,

    /// <summary>404: no such stream.</summary>
    NotFound,

    /// <summary>401 with a challenge: credentials are missing or wrong.</summary>
    Unauthorized,

    /// <summary>403: the credentials are good, but not for this.</summary>
    Forbidden,

    /// <summary>503: the stream exists but cannot be served now (its camera is unreachable, a publisher is connected).</summary>
    Unavailable,
}

/// <summary>Which schemes a 401 offers. Digest only where the server holds the password (a viewer token is not held).</summary>
public enum RtspChallenge
{
    Basic,
    BasicAndDigest,
}

/// <summary>The answer of <see cref="IRtspPaths"/>: the thing granted and a lease on it, or a refusal and why.</summary>
public sealed class RtspAccess<T>
    where T : class
{
    private RtspAccess(T? value, IDisposable? lease, RtspRefusal refusal, string reason, RtspChallenge challenge)
    {
        Value = value;
        Lease = lease;
        Refusal = refusal;
        Reason = reason;
        Challenge = challenge;
    }

    public T? Value { get; }

    /// <summary>Released when the client's connection ends (or it tears the session down).</summary>
    public IDisposable? Lease { get; }

    public RtspRefusal Refusal { get; }

    /// <summary>Said to the client as the reason phrase: no internal hosts, no credentials.</summary>
    public string Reason { get; }

    public RtspChallenge Challenge { get; }

    public static RtspAccess<T> Granted(T value, IDisposable? lease = null) => new(value, lease, RtspRefusal.None, "", RtspChallenge.Basic);

    public static RtspAccess<T> Refused(RtspRefusal refusal, string reason, RtspChallenge challenge = RtspChallenge.Basic)
    {
        if (refusal == RtspRefusal.None)
        {
            throw new ArgumentException("a refusal needs a reason code", nameof(refusal));
        }

        return new(null, null, refusal, reason, challenge);
    }
}

/// <summary>A client of the server as the API lists it: the path, its address, "tcp" or "udp", play or publish, since when.</summary>
public sealed record RtspClientInfo(string Path, string Remote, string Transport, bool Publishing, DateTimeOffset Since);
