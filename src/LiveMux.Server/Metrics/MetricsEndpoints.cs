using System.Text;
using LiveMux.Hub;
using LiveMux.Server.Egress.Rtsp;

namespace LiveMux.Server.Metrics;

/// <summary>
/// <c>GET /metrics</c> (Prometheus text 0.0.4), <c>GET /healthz</c> (the process answers) and
/// <c>GET /readyz</c> (the hub has started and the server is not stopping), all anonymous.
/// </summary>
internal static class MetricsEndpoints
{
    /// <summary>Maps the three endpoints; returns the /metrics endpoint so the caller can protect it.</summary>
    public static RouteHandlerBuilder MapMetricsAndHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n", "text/plain; charset=utf-8")).ExcludeFromDescription();
        app.MapGet("/readyz", Ready).ExcludeFromDescription();
        return app.MapGet("/metrics", Scrape).ExcludeFromDescription();
    }

    internal static IResult Scrape(StreamHub hub, RtspService rtsp)
    {
        var text = new StringBuilder(8192);
        var writer = new PrometheusTextWriter(text);
        StreamMetrics.Write(writer, hub.Streams, rtsp.Server?.Clients);
        ProcessMetrics.Write(writer);
        return Results.Text(text.ToString(), PrometheusTextWriter.ContentType);
    }

    // ApplicationStarted fires once every hosted service has started, HubService (which adds the streams) included.
    internal static IResult Ready(IHostApplicationLifetime lifetime) =>
        lifetime.ApplicationStopping.IsCancellationRequested ? Results.Text("stopping\n", statusCode: StatusCodes.Status503ServiceUnavailable)
        : !lifetime.ApplicationStarted.IsCancellationRequested ? Results.Text("starting\n", statusCode: StatusCodes.Status503ServiceUnavailable)
        : Results.Text("ready\n");
}
