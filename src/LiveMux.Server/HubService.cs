using LiveMux.Hub;
using LiveMux.Hub.Sources.Demo;
using Microsoft.Extensions.Options;

namespace LiveMux.Server;

/// <summary>
/// Creates the configured streams at start-up (and the demo stream when there are none), and on shutdown
/// tears every camera session down and ends every viewer with a reason, before the web server stops.
/// </summary>
internal sealed class HubService(
    StreamHub hub,
    IOptions<LiveMuxOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<HubService> logger) : IHostedService, IAsyncDisposable
{
    private DemoRtspServer? _demo;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The web server stops before this service and waits (30 s by default) for open requests; the
        // viewers' WebSockets only end when told to, so tell them as soon as shutdown begins.
        lifetime.ApplicationStopping.Register(() => hub.CloseViewers("server shutting down"));

        var config = options.Value;
        foreach (var (name, stream) in config.Streams.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var added = hub.Add(name, stream);
            ServerLog.StreamConfigured(logger, name, added.Source);
        }

        if (config.Demo ?? config.Streams.Count == 0)
        {
            _demo = new DemoRtspServer(new DemoRtspServerOptions(), loggers.CreateLogger<DemoRtspServer>(), time);
            await _demo.StartAsync(cancellationToken).ConfigureAwait(false);
            hub.Add("demo", new StreamOptions { Url = _demo.Url.ToString(), AlwaysOn = true });
            ServerLog.DemoStarted(logger, _demo.Url);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
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
