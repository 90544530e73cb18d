using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LiveMux.Server.Tests.Endpoints;

/// <summary>The server in-process, with one configured camera that is never contacted and no demo stream.</summary>
public sealed class LiveMuxFactory : WebApplicationFactory<Program>
{
    public const string Password = "Tr0ub4dor-and-3";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("LiveMux:Demo", "false");
        builder.UseSetting("LiveMux:Streams:cam1:Url", $"rtsp://admin:{Password}@192.0.2.1:554/Streaming/Channels/101");
        builder.UseSetting("LiveMux:HandshakeTimeout", "00:00:02");
    }
}
