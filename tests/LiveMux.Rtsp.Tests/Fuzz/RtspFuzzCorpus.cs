namespace LiveMux.Rtsp.Tests.Fuzz;

/// <summary>
/// The committed seeds, TestData/Fuzz/&lt;target&gt;/*.bin: camera-style RTSP streams (replies, server requests,
/// interleaved frames), Transport header values and WWW-Authenticate values. Seeds named <c>crash-*</c> once
/// broke a property.
/// </summary>
internal static class RtspFuzzCorpus
{
    public static readonly string[] Targets = ["rtsp-message", "rtsp-transport", "rtsp-auth"];

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "Fuzz");

    public static IReadOnlyList<string> Names(string target) =>
        System.IO.Directory.EnumerateFiles(Path.Combine(Directory, target), "*.bin").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    public static byte[] Bytes(string target, string name) => File.ReadAllBytes(Path.Combine(Directory, target, name));

    public static IReadOnlyList<byte[]> All(string target) => Names(target).Select(n => Bytes(target, n)).ToList();
}
