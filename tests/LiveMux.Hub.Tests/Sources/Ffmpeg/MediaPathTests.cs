using LiveMux.Hub.Sources.Ffmpeg;

namespace LiveMux.Hub.Tests.Sources.Ffmpeg;

/// <summary>A name from the API resolves inside the media directory or not at all, whatever '..' and links say.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MediaPathTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("livemux-media-").FullName;

    public MediaPathTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "media", "sub"));
        File.WriteAllText(Path.Combine(_root, "media", "clip.mp4"), "");
        File.WriteAllText(Path.Combine(_root, "media", "sub", "deep.mp4"), "");
        File.WriteAllText(Path.Combine(_root, "secret.mp4"), "");
        File.CreateSymbolicLink(Path.Combine(_root, "media", "out.mp4"), Path.Combine(_root, "secret.mp4"));
        File.CreateSymbolicLink(Path.Combine(_root, "media", "relative-out.mp4"), "../secret.mp4");
        File.CreateSymbolicLink(Path.Combine(_root, "media", "in.mp4"), "sub/deep.mp4");
        Directory.CreateSymbolicLink(Path.Combine(_root, "media", "parent"), "..");
        Directory.CreateSymbolicLink(Path.Combine(_root, "media", "sublink"), Path.Combine(_root, "media", "sub"));
        File.CreateSymbolicLink(Path.Combine(_root, "media", "loop.mp4"), "loop.mp4");

        // The directory itself reached through a link: its files are inside.
        Directory.CreateSymbolicLink(Path.Combine(_root, "medialink"), Path.Combine(_root, "media"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string, string?> Cases => new()
    {
        // the name, the resolved file relative to media/ (null: refused)
        { "clip.mp4", "clip.mp4" },
        { "./sub/../clip.mp4", "clip.mp4" },
        { "sub/deep.mp4", "sub/deep.mp4" },
        { "in.mp4", "sub/deep.mp4" },
        { "sublink/deep.mp4", "sub/deep.mp4" },
        { "{MEDIA}/clip.mp4", "clip.mp4" },
        { "../secret.mp4", null },
        { "sub/../../secret.mp4", null },
        { "{ROOT}/secret.mp4", null },
        { "/etc/passwd", null },
        { "out.mp4", null },
        { "relative-out.mp4", null },
        { "parent/secret.mp4", null },
        { "parent/media/clip.mp4", "clip.mp4" },
        { "loop.mp4", null },
        { "missing.mp4", null },
        { "sub", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resolves_inside_the_directory_or_refuses(string name, string? expected)
    {
        var media = Path.Combine(_root, "media");
        name = name.Replace("{MEDIA}", media, StringComparison.Ordinal).Replace("{ROOT}", _root, StringComparison.Ordinal);
        foreach (var directory in new[] { media, Path.Combine(_root, "medialink"), media + "/" })
        {
            var ok = MediaPath.TryResolve(directory, name, out var full, out var error);
            Assert.True(ok == (expected is not null), $"{directory} {name}: {(ok ? full : error)}");
            if (expected is not null)
            {
                Assert.Equal(Path.Combine(media, expected), full);
            }
            else
            {
                Assert.NotEmpty(error);
            }
        }
    }

    [Fact]
    public void No_directory_means_no_file()
    {
        Assert.False(MediaPath.TryResolve("", "clip.mp4", out _, out var error));
        Assert.Contains("LiveMux:Ffmpeg:MediaDirectory", error, StringComparison.Ordinal);
        Assert.False(MediaPath.TryResolve(Path.Combine(_root, "nope"), "clip.mp4", out _, out error));
        Assert.Equal("the media directory does not exist", error);
    }
}
