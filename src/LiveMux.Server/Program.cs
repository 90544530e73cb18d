using LiveMux.Hub;
using LiveMux.Server;
using LiveMux.Server.Endpoints;
using LiveMux.Server.Metrics;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

// The documented default address; --urls or ASPNETCORE_URLS override it.
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://localhost:8080");
}

LiveMuxOptions options;
IReadOnlyList<string> errors;
try
{
    var section = builder.Configuration.GetSection(LiveMuxOptions.Section);
    options = section.Get<LiveMuxOptions>() ?? new LiveMuxOptions();
    errors = [.. StreamBindingCheck.Errors(section.GetSection("Streams"), options), .. LiveMuxOptionsValidator.Validate(options)];
}
catch (InvalidOperationException e)
{
    // A value of the wrong type (an unknown Ffmpeg:Video, a malformed time span): the binder names the key.
    options = new LiveMuxOptions();
    errors = [e.Message];
}

if (errors.Count > 0)
{
    using var loggers = LoggerFactory.Create(b => b.AddConsole());
    var logger = loggers.CreateLogger("LiveMux.Server");
    foreach (var error in errors)
    {
        ServerLog.InvalidConfiguration(logger, error);
    }

    return 2;
}

builder.Services.AddSingleton(Options.Create(options));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(sp => new StreamHub(options.Viewers, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
builder.Services.AddHostedService<HubService>();

var app = builder.Build();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
app.UseDefaultFiles();
app.UseStaticFiles();
app.Map("/api/ws", WebSocketEndpoint.HandleAsync);
app.MapGet("/api/stream.mp4", Mp4StreamEndpoint.HandleAsync);
app.MapGet("/api/streams", StreamsEndpoint.Handle);
app.MapMetricsAndHealth();
await app.RunAsync();
return 0;

/// <summary>Lets the test host find the entry point.</summary>
public partial class Program;
