using LiveMux.Hub;
using LiveMux.Server.Auth;
using LiveMux.Server.Egress.Mse;
using LiveMux.Server.Limits;

namespace LiveMux.Server.Endpoints;

/// <summary>
/// <c>GET /api/stream.mp4?src=NAME</c>: the same fragmented MP4 as one progressive HTTP response, for
/// ffmpeg, VLC and recorders, through the same viewer loop as the WebSocket. A file can hold only one moov, so a
/// format change ends the response.
/// </summary>
internal static class Mp4StreamEndpoint
{
    public static async Task HandleAsync(HttpContext context, StreamHub hub, MseEgress mse, ViewerAccess viewers, ViewerSlots viewerSlots, LimitRefusals refusals, ILogger<ViewerAccess> logger)
    {
        var name = context.Request.Query["src"].ToString();
        if (!await viewers.AdmitAsync(context, name, "HTTP stream", logger))
        {
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

        using var subscription = mse.Subscribe(stream);
        context.Response.ContentType = "video/mp4";
        context.Response.Headers.CacheControl = "no-store";
        await MseViewerLoop.RunAsync(new Mp4FileOutput(context.Response.Body), stream, subscription, offer: null, logger, context.RequestAborted);
        if (subscription.Abandoned.IsCancellationRequested)
        {
            // Disconnected for not reading: Kestrel's minimum response data rate would end it too, later.
            context.Abort();
        }
    }
}
