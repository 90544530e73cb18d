using System.Globalization;
using LiveMux.Hub;
using LiveMux.Server.Auth;
using LiveMux.Server.Egress.Snapshot;

namespace LiveMux.Server.Endpoints;

/// <summary>
/// <c>GET /api/frame.jpeg?src=NAME[&amp;width=W][&amp;height=H]</c>: the stream's current picture as a JPEG, with
/// go2rtc's parameters (and its short <c>w</c>, <c>h</c>), so Home Assistant and go2rtc front ends can use it.
/// One side alone keeps the aspect ratio. Viewer auth, as the other viewer endpoints.
/// </summary>
internal static class SnapshotEndpoint
{
    public static async Task HandleAsync(HttpContext context, StreamHub hub, SnapshotEgress snapshots, ViewerAccess viewers, ILogger<SnapshotEgress> logger)
    {
        var query = context.Request.Query;
        var name = query["src"].ToString();
        if (!await viewers.AdmitAsync(context, name, "snapshot", logger))
        {
            return;
        }

        if (!hub.TryGet(name, out var stream))
        {
            await AuthProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Not Found", "unknown stream");
            return;
        }

        if (!TrySize(query, "width", "w", out var width, out var error) || !TrySize(query, "height", "h", out var height, out error))
        {
            await AuthProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request", error);
            return;
        }

        var result = await snapshots.TakeAsync(stream, width, height, context.RequestAborted);
        if (result.Jpeg is not { } jpeg)
        {
            SnapshotLog.Refused(logger, stream.Name, result.Reason);
            if (result.Status == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            await AuthProblems.WriteAsync(context, result.Status, result.Status == StatusCodes.Status415UnsupportedMediaType ? "Unsupported Media Type" : "Service Unavailable", result.Reason);
            return;
        }

        context.Response.ContentType = "image/jpeg";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = jpeg.Length;
        await context.Response.Body.WriteAsync(jpeg, context.RequestAborted);
    }

    /// <summary>An absent size is null; a present one is a whole number of pixels within the bounds.</summary>
    private static bool TrySize(IQueryCollection query, string key, string shortKey, out int? size, out string error)
    {
        size = null;
        error = "";
        var text = query[key].ToString();
        if (text.Length == 0)
        {
            text = query[shortKey].ToString();
        }

        if (text.Length == 0)
        {
            return true;
        }

        if (text.Length > 5 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value < SnapshotOptions.MinSize || value > SnapshotOptions.MaxSize)
        {
            error = $"{key} must be a whole number of pixels from {SnapshotOptions.MinSize} to {SnapshotOptions.MaxSize}";
            return false;
        }

        size = value;
        return true;
    }
}
