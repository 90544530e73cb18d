using LiveMux.Hub;
using LiveMux.Server.Auth;
using LiveMux.Server.Limits;

namespace LiveMux.Server.Endpoints;

/// <summary>
/// <c>GET /api/stream.mp4?src=NAME</c>: the same fragmented MP4 as one progressive HTTP response, for
/// ffmpeg, VLC and recorders. A file can hold only one moov, so a format change ends the response.
/// </summary>
internal static class Mp4StreamEndpoint
{
    public static async Task HandleAsync(HttpContext context, StreamHub hub, ViewerAccess viewers, AdminAuthenticator admin, ViewerSlots viewerSlots, LimitRefusals refusals, ILogger<ViewerAccess> logger)
    {
        var name = context.Request.Query["src"].ToString();
        var access = viewers.Check(context.Request, name);
        if (!access.Allowed)
        {
            AuthLog.ViewerRefused(logger, name.Length <= 64 ? name : name[..64], "HTTP stream", access.Reason);
            await AuthProblems.WriteViewerAsync(context, admin, access);
            return;
        }

        if (!hub.TryGet(name, out var stream))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new { error = "unknown stream" }, context.RequestAborted);
            return;
        }

        using var slot = viewerSlots.TryTake(stream.Name);
        if (slot is null)
        {
            refusals.Refused("LiveMux:Limits:MaxViewers", $"{viewerSlots.Max} viewers of {stream.Name}");
            context.Response.Headers.RetryAfter = "10";
            await AuthProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", viewerSlots.Refusal(stream.Name));
            return;
        }

        using var subscription = stream.Subscribe();
        using var abandoned = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, subscription.Abandoned);
        var ct = abandoned.Token;
        context.Response.ContentType = "video/mp4";
        context.Response.Headers.CacheControl = "no-store";
        var sentInit = false;
        try
        {
            while (await subscription.ReadAsync(ct) is { } item)
            {
                if (item.Fragment is not { } fragment)
                {
                    continue;
                }

                try
                {
                    if (fragment.Kind == FragmentKind.Init)
                    {
                        if (sentInit)
                        {
                            return;
                        }

                        sentInit = true;
                    }
                    else if (!sentInit)
                    {
                        continue;
                    }

                    await context.Response.Body.WriteAsync(fragment.Memory, ct);
                    await context.Response.Body.FlushAsync(ct);
                    stream.Counters.CountSent(fragment.Length);
                }
                finally
                {
                    fragment.Release();
                }
            }
        }
        catch (OperationCanceledException) when (subscription.Abandoned.IsCancellationRequested)
        {
            // Disconnected for not reading: Kestrel's minimum response data rate would end it too, later.
            context.Abort();
        }
        catch (OperationCanceledException)
        {
        }
    }
}
