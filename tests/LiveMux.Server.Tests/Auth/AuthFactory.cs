using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveMux.Server.Tests.Auth;

/// <summary>
/// The server in-process with auth settings. TestServer has no remote address (which counts as local); a request
/// carrying <see cref="RemoteHeader"/> comes from that address instead. Every log line is kept in <see cref="Logs"/>.
/// </summary>
public abstract class AuthFactory : WebApplicationFactory<Program>
{
    public const string RemoteHeader = "X-Test-Remote-Address";
    public const string CameraPassword = "Cam-Pa55word-9f2";

    public ConcurrentQueue<string> Logs { get; } = new();

    protected abstract IReadOnlyDictionary<string, string> Settings { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("LiveMux:Demo", "false");
        builder.UseSetting("LiveMux:Rtsp:Port", "0");
        builder.UseSetting("LiveMux:HandshakeTimeout", "00:00:02");
        builder.UseSetting("LiveMux:Streams:cam1:Url", $"rtsp://admin:{CameraPassword}@192.0.2.1:554/Streaming/Channels/101");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new ListLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Debug));
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFilter>());
    }

    private sealed class RemoteAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(RemoteHeader, out var remote))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(remote.ToString());
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(ConcurrentQueue<string> lines, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category} [{eventId.Id}] {formatter(state, exception)} {exception}");
    }
}

/// <summary>Admin key and Basic credentials, viewer tokens, one public stream, one extra allowed origin, the demo stream.</summary>
public sealed class TokenModeFactory : AuthFactory
{
    public const string ApiKey = "test-api-key-0123456789";
    public const string User = "operator";
    public const string UserPassword = "s3cret-Basic-pw";
    public const string Secret = "0123456789abcdef0123456789abcdef-test-secret";
    public const string AllowedOrigin = "https://app.example.com:8443";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["LiveMux:Demo"] = "true",
        ["LiveMux:Streams:lobby:Url"] = "rtsp://192.0.2.2/lobby",
        ["LiveMux:Auth:ApiKey"] = ApiKey,
        ["LiveMux:Auth:Username"] = User,
        ["LiveMux:Auth:Password"] = UserPassword,
        ["LiveMux:Auth:Viewers"] = "token",
        ["LiveMux:Auth:TokenSecret"] = Secret,
        ["LiveMux:Auth:PublicStreams:0"] = "lobby",
        ["LiveMux:Auth:AllowedOrigins:0"] = AllowedOrigin,
    };
}

/// <summary>No auth configured at all: admin from loopback only, open viewers, no token secret.</summary>
public sealed class DefaultAuthFactory : AuthFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();
}
