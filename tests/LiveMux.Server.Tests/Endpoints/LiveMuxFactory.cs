using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LiveMux.Server.Tests.Endpoints;

/// <summary>
/// The server in-process, with one configured camera that is never contacted and no demo stream. The
/// streams file is a temporary one of its own, or <see cref="StreamsFile"/> when given (a restart).
/// </summary>
public sealed class LiveMuxFactory : WebApplicationFactory<Program>
{
    public const string Password = "Tr0ub4dor-and-3";

    private readonly bool _ownsFile;

    public LiveMuxFactory()
        : this(Path.Combine(Path.GetTempPath(), "livemux-tests", Guid.NewGuid().ToString("N"), "streams.json"), ownsFile: true)
    {
    }

    private LiveMuxFactory(string streamsFile, bool ownsFile)
    {
        StreamsFile = streamsFile;
        _ownsFile = ownsFile;
    }

    /// <summary>A server on an existing streams file, as after a restart; the caller deletes the file.</summary>
    public static LiveMuxFactory WithStreamsFile(string streamsFile) => new(streamsFile, ownsFile: false);

    public string StreamsFile { get; }

    /// <summary>More configuration, set before the server starts (the first client or <c>Server</c>).</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("LiveMux:Demo", "false");
        builder.UseSetting("LiveMux:Rtsp:Port", "0");
        builder.UseSetting("LiveMux:Streams:cam1:Url", $"rtsp://admin:{Password}@192.0.2.1:554/Streaming/Channels/101");
        builder.UseSetting("LiveMux:HandshakeTimeout", "00:00:02");
        builder.UseSetting("LiveMux:StreamsFile", StreamsFile);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsFile)
        {
            try
            {
                Directory.Delete(Path.GetDirectoryName(StreamsFile)!, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
