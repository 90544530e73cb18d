namespace LiveMux.Tests;

/// <summary>Paths inside the repository, found from the test binaries; shared by the test projects that need them.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string ServerProject => Path.Combine(Root, "src", "LiveMux.Server");

    public static string CameraScript => Path.Combine(Root, "tests", "tools", "rtsp_camera.py");

    public static string ImpairProxyScript => Path.Combine(Root, "tests", "tools", "rtsp_impair_proxy.py");

    public static string PlayCheckScript => Path.Combine(Root, "tests", "tools", "rtsp_play_check.py");

    public static string ArtifactDirectory
    {
        get
        {
            var dir = Path.Combine(Root, "artifacts", "e2e");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LiveMux.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LiveMux.sln not found above " + AppContext.BaseDirectory);
    }
}
