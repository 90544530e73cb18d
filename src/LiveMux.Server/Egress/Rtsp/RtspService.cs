using System.Net;
using System.Net.Sockets;
using LiveMux.Rtsp.Server;
using Microsoft.Extensions.Options;

namespace LiveMux.Server.Egress.Rtsp;

/// <summary>
/// Runs the RTSP server on <c>LiveMux:Rtsp</c>'s port, on the HTTP server's interfaces unless an address is set.
/// A port that is taken leaves the rest of LiveMux running, with an error that says which setting to change.
/// </summary>
internal sealed class RtspService(
    IOptions<LiveMuxOptions> options,
    IConfiguration configuration,
    RtspPaths paths,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<RtspService> logger) : IHostedService, IAsyncDisposable
{
    private RtspServer? _server;

    /// <summary>The running server; null when it is off or could not start.</summary>
    public RtspServer? Server => Volatile.Read(ref _server);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var rtsp = options.Value.Rtsp;
        if (rtsp.Port == 0)
        {
            RtspServiceLog.Off(logger);
            return Task.CompletedTask;
        }

        var address = string.IsNullOrEmpty(rtsp.Address) ? ListenAddress(configuration["urls"]) : IPAddress.Parse(rtsp.Address);
        var server = new RtspServer(
            new RtspServerOptions
            {
                MaxConnections = rtsp.MaxConnections,
                SessionTimeout = rtsp.SessionTimeout,
                UdpRtpPort = rtsp.UdpPort < 0 ? null : rtsp.UdpPort,
            },
            loggers.CreateLogger<RtspServer>(), time, paths);
        try
        {
            server.Start(new IPEndPoint(address, rtsp.Port));
        }
        catch (SocketException e)
        {
            RtspServiceLog.NotStarted(logger, address.ToString(), rtsp.Port, rtsp.UdpPort, e.SocketErrorCode.ToString());
            _ = server.DisposeAsync().AsTask();
            return Task.CompletedTask;
        }

        Volatile.Write(ref _server, server);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The interfaces of the HTTP server's URLs (<c>--urls</c>, ASPNETCORE_URLS): any when one of them is a
    /// wildcard or a non-loopback name, the one address when there is one, else loopback (the default localhost).
    /// </summary>
    internal static IPAddress ListenAddress(string? urls)
    {
        var hosts = (urls ?? "http://localhost:8080").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(HostOf).ToList();
        if (hosts.Count == 0)
        {
            return IPAddress.Loopback;
        }

        var addresses = new List<IPAddress>();
        foreach (var host in hosts)
        {
            if (host is "localhost")
            {
                addresses.Add(IPAddress.Loopback);
            }
            else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
            {
                addresses.Add(ip);
            }
            else
            {
                return Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any; // *, +, a host name
            }
        }

        if (addresses.Any(a => a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any)))
        {
            return addresses.Any(a => a.Equals(IPAddress.IPv6Any)) && Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;
        }

        return addresses.Distinct().Count() == 1 ? addresses[0] : (Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any);
    }

    private static string HostOf(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        rest = slash >= 0 ? rest[..slash] : rest;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? rest[..(close + 1)] : rest;
        }

        var colon = rest.LastIndexOf(':');
        return (colon >= 0 ? rest[..colon] : rest).ToLowerInvariant();
    }
}
