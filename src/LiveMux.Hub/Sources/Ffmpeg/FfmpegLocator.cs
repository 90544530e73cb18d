namespace LiveMux.Hub.Sources.Ffmpeg;

/// <summary>Finds the ffmpeg binary: LiveMux:Ffmpeg:Path (one setting for the whole server), or <c>ffmpeg</c> on PATH.</summary>
public static class FfmpegLocator
{
    public const string NotFound = "ffmpeg not found: install ffmpeg or set LiveMux:Ffmpeg:Path";

    public static bool TryFind(string configuredPath, out string path, out string error)
    {
        error = "";
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            path = configuredPath;
            if (File.Exists(path))
            {
                return true;
            }

            error = $"{NotFound} (LiveMux:Ffmpeg:Path '{configuredPath}' does not exist)";
            return false;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            path = Path.Combine(dir, OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg");
            if (File.Exists(path))
            {
                return true;
            }
        }

        path = "";
        error = NotFound;
        return false;
    }
}
