using LiveMux.Rtsp.Server;

namespace LiveMux.Server.Demo;

/// <summary>Options of the in-process demo camera. Defaults suit <c>dotnet run</c> on a bare machine.</summary>
internal sealed record DemoCameraOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks an ephemeral port.</summary>
    public int Port { get; init; }

    /// <summary>Path of the stream, e.g. rtsp://127.0.0.1:port/demo.</summary>
    public string Path { get; init; } = "/demo";

    /// <summary>The RTSP server's limits; the demo serves few clients.</summary>
    public RtspServerOptions Server { get; init; } = new() { MaxConnections = 16 };

    /// <summary>Returns one message per invalid option; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > 65535)
        {
            errors.Add($"Port must be 0..65535, got {Port}.");
        }

        if (string.IsNullOrEmpty(Path) || Path[0] != '/' || Path.Length < 2 || Path[^1] == '/' || Path.Any(c => char.IsWhiteSpace(c) || c is '?' or '#'))
        {
            errors.Add($"Path must start with '/', not end with '/', and hold no whitespace, '?' or '#', got '{Path}'.");
        }

        if (Server is null)
        {
            errors.Add("Server options are required.");
        }
        else
        {
            errors.AddRange(Server.Validate());
        }

        return errors;
    }
}
