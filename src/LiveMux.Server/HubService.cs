using LiveMux.Hub;
using LiveMux.Server.Api;
using LiveMux.Server.Demo;
using Microsoft.Extensions.Options;

namespace LiveMux.Server;

/// <summary>
/// Applies the configured streams at start-up (and adds the demo stream when there are none; the
/// reconciler keeps them in step with configuration from then on), and on shutdown
/// tears every camera session down and ends every viewer with a reason, before the web server stops.
/// </summary>
internal sealed class HubService(
    StreamHub hub,
    StreamReconciler reconciler,
    IOptions<LiveMuxOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<HubService> logger) : IHostedService, IAsyncDisposable
{
    private DemoCamera? _demo;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The web server stops before this service and waits (30 s by default) for open requests; the
        // viewers' WebSockets only end when told to, so tell them as soon as shutdown begins.
        lifetime.ApplicationStopping.Register(() => hub.CloseViewers("server shutting down"));

        var config = options.Value;
        await reconciler.StartAsync(cancellationToken).ConfigureAwait(false);

        if (config.Demo ?? config.Streams.Count == 0)
        {
            _demo = new DemoCamera(new DemoCameraOptions(), loggers.CreateLogger<DemoCamera>(), time);
            await _demo.StartAsync(cancellationToken).ConfigureAwait(false);
            hub.Add("demo", new StreamOptions { Url = _demo.Url.ToString(), AlwaysOn = true });
            reconciler.AddDemo("demo");
            ServerLog.DemoStarted(logger, _demo.Url);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await reconciler.StopAsync().ConfigureAwait(false);
        await hub.DisposeAsync().ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_demo is not null)
        {
            await _demo.DisposeAsync().ConfigureAwait(false);
            _demo = null;
        }
    }
}
