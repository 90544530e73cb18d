namespace LiveMux.Server;

/// <summary>
/// <c>LiveMux:Ffmpeg</c>: the ffmpeg binary and the files the REST API may name. Configuration only, read at
/// start-up: nothing from the API chooses a program or a directory.
/// </summary>
public sealed record FfmpegServerOptions
{
    /// <summary>The ffmpeg binary of every ffmpeg source and H.264 transcode, an absolute path; empty: <c>ffmpeg</c> on PATH.</summary>
    public string Path { get; init; } = "";

    /// <summary>
    /// The directory whose files streams added through the API may play (absolute path); empty: the API
    /// takes network URLs only.
    /// </summary>
    public string MediaDirectory { get; init; } = "";
}
