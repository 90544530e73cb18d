using LiveMux.Hub;
using LiveMux.Server;
using LiveMux.Server.Api;
using LiveMux.Server.Auth;
using LiveMux.Server.Egress.Mse;
using LiveMux.Server.Egress.Rtsp;
using LiveMux.Server.Egress.Snapshot;
using LiveMux.Server.Endpoints;
using LiveMux.Server.Limits;
using LiveMux.Server.Metrics;
using Microsoft.Extensions.Options;

if (HelpText.IsRequested(args))
{
    Console.Out.Write(HelpText.Text);
    return 0;
}

var logFormat = LogFormat.Take(ref args, out var logFormatError);
if (logFormatError is not null)
{
    Console.Error.WriteLine(logFormatError);
    return 2;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot.For(args) });
LogFormat.Apply(builder.Configuration, logFormat);
builder.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, SensitiveLogCategories>();

// A build's output has no wwwroot of its own: its static web assets manifest points at the project's. Outside
// Development the host does not read it, and a published build has none, so this serves the pages of a build
// run from its output directory (dotnet run, the tests) and changes nothing else.
if (!builder.Environment.IsDevelopment())
{
    builder.WebHost.UseStaticWebAssets();
}

// The documented default address; --urls or ASPNETCORE_URLS override it.
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://localhost:8080");
}

builder.WebHost.ConfigureKestrel(UnsentBytesLimit.Apply);

// Streams added through the API: a configuration source below all others, reloaded when it changes. A relative
// path is the user's data where they run LiveMux (dotnet run: the project directory), not in the program's.
var streamsFile = StreamsFile.AddTo(builder.Configuration, builder.Configuration, Directory.GetCurrentDirectory());

LiveMuxOptions options;
IReadOnlyList<string> errors;
try
{
    var section = builder.Configuration.GetSection(LiveMuxOptions.Section);
    options = section.Get<LiveMuxOptions>() ?? new LiveMuxOptions();
    errors = [.. StreamBindingCheck.Errors(section.GetSection("Streams"), options), .. LiveMuxOptionsValidator.Validate(options)];

    // The streams file's streams are the API's: held to what the API accepts, whoever wrote the file.
    var policy = new ApiFfmpegPolicy(options.Ffmpeg.MediaDirectory);
    var apiErrors = new List<OptionError>();
    foreach (var (name, stream) in options.Streams.Where(s => !StreamReconciler.IsFromConfiguration(builder.Configuration, streamsFile, s.Key)))
    {
        policy.Validate(apiErrors, name, stream);
    }

    errors = [.. errors, .. apiErrors.Select(e => $"{e.Message} (in {streamsFile.FullPath}, the API's streams file)")];
    if (streamsFile.Check() is { } fileError)
    {
        errors = [.. errors, $"{StreamsFile.Key} ({streamsFile.FullPath}): {fileError}"];
    }
}
catch (InvalidOperationException e)
{
    // A value of the wrong type (an unknown Ffmpeg:Video, a malformed time span): the binder names the key.
    options = new LiveMuxOptions();
    errors = [e.Message];
}

if (errors.Count > 0)
{
    using var loggers = LoggerFactory.Create(b => b.AddConfiguration(builder.Configuration.GetSection("Logging")).AddConsole());
    var logger = loggers.CreateLogger("LiveMux.Server");
    foreach (var error in errors)
    {
        ServerLog.InvalidConfiguration(logger, error);
    }

    return 2;
}

builder.WebHost.ConfigureKestrel(kestrel => ConnectionLimits.Apply(kestrel, options.Limits));
builder.Services.AddSingleton(Options.Create(options));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(sp => new StreamHub(options.Viewers, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), options.Ffmpeg.Path,
    sp.GetRequiredService<MseEgress>().FeedAsync));
builder.Services.AddSingleton(new ApiFfmpegPolicy(options.Ffmpeg.MediaDirectory));
builder.Services.AddSingleton(_ => streamsFile); // a factory, so the host disposes it (and its file watcher)
builder.Services.AddSingleton<StreamReconciler>();
builder.Services.AddSingleton<PendingHandshakes>();
builder.Services.AddSingleton<ViewerSlots>();
builder.Services.AddSingleton<MseEgress>();
builder.Services.AddSingleton<RtspRestream>();
builder.Services.AddSingleton<RtspAccessPolicy>();
builder.Services.AddSingleton<RtspPaths>();
builder.Services.AddSingleton<RtspService>();
builder.Services.AddSingleton<SnapshotEgress>();
builder.Services.AddSingleton<LimitRefusals>();
builder.Services.AddHostedService<HubService>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<RtspService>());
builder.Services.AddLiveMuxAuth(options.Auth, options.PublicHosts);
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();

var app = builder.Build();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
app.UseLiveMuxAuth();
app.UseDefaultFiles();
app.UseStaticFiles();
app.Map("/api/ws", WebSocketEndpoint.HandleAsync);
app.MapGet("/api/stream.mp4", Mp4StreamEndpoint.HandleAsync);
app.MapGet("/api/frame.jpeg", SnapshotEndpoint.HandleAsync);
app.MapOpenApi();

// Every admin endpoint is mapped on this one group.
var admin = app.MapGroup("/api").RequireAdmin();
admin.MapStreamApi();
admin.MapLiveMuxTokens();

var metrics = app.MapMetricsAndHealth();
if (options.Metrics.RequireAdmin)
{
    metrics.RequireAdmin();
}

// Made before the host runs: the host disposes its services when it fails to start.
var startup = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LiveMux.Server");
try
{
    await app.RunAsync();
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Another program (often another LiveMux) has the address: say which, and how to choose another.
    // Not 2: the service manager restarts it, since the address may be freed (an old instance still stopping).
    ServerLog.AddressInUse(startup, e.Message);
    return 3;
}

return 0;

/// <summary>Lets the test host find the entry point.</summary>
public partial class Program;
