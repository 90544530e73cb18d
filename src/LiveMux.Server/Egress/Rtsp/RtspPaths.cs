using LiveMux.Hub;
using LiveMux.Rtsp.Server;

namespace LiveMux.Server.Egress.Rtsp;

/// <summary>
/// The hub's streams as RTSP paths: <c>rtsp://HOST:PORT/&lt;name&gt;</c>. A reader is checked like a viewer
/// (<see cref="RtspAccessPolicy"/>), takes a lease on the stream's RTSP egress (starting an idle stream), and gets
/// its media once the stream's first format has come; a publisher needs the stream's publish password.
/// </summary>
internal sealed class RtspPaths(StreamHub hub, RtspRestream restream, RtspAccessPolicy policy) : IRtspPaths
{
    public async ValueTask<RtspAccess<IRtspMedia>> OpenReadAsync(RtspAccessRequest request, CancellationToken ct)
    {
        if (!hub.TryGet(request.Path, out var stream))
        {
            return RtspAccess<IRtspMedia>.Refused(RtspRefusal.NotFound, "no such stream");
        }

        var (refusal, reason) = policy.CheckRead(stream.Name, request.Credentials, request.Remote);
        if (refusal != RtspRefusal.None)
        {
            return RtspAccess<IRtspMedia>.Refused(refusal, reason);
        }

        var lease = restream.Acquire(stream);
        try
        {
            await lease.Egress.Mounted.WaitAsync(ct).ConfigureAwait(false);
            if (lease.Egress.Current is { } media)
            {
                return RtspAccess<IRtspMedia>.Granted(media, lease);
            }
        }
        catch (OperationCanceledException)
        {
        }

        lease.Dispose();
        return RtspAccess<IRtspMedia>.Refused(RtspRefusal.Unavailable, stream.LastViewerError ?? "the stream has no picture yet");
    }

    public RtspAccess<IRtspPublishTarget> OpenPublish(RtspAccessRequest request)
    {
        if (!hub.TryGet(request.Path, out var stream))
        {
            return RtspAccess<IRtspPublishTarget>.Refused(RtspRefusal.NotFound, "no such stream");
        }

        if (stream.PublishTarget is not { } target || string.IsNullOrEmpty(stream.Options.PublishPassword))
        {
            return RtspAccess<IRtspPublishTarget>.Refused(RtspRefusal.Forbidden, "this stream takes no publisher");
        }

        var (refusal, reason) = policy.CheckPublish(stream.Options.PublishPassword, request.Credentials, request.Remote);
        return refusal == RtspRefusal.None
            ? RtspAccess<IRtspPublishTarget>.Granted(target)
            : RtspAccess<IRtspPublishTarget>.Refused(refusal, reason, RtspChallenge.BasicAndDigest);
    }
}
