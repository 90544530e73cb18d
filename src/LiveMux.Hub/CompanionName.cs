using System.Diagnostics.CodeAnalysis;

namespace LiveMux.Hub;

/// <summary>
/// The name of a stream's H.264 transcode companion (<see cref="Sources.Ffmpeg.TranscodeFallback"/>):
/// <c>cam</c> → <c>cam~h264</c>. '~' is not allowed in configured names, so a companion's name cannot collide
/// with a configured stream. Named, recognised and split here only.
/// </summary>
public static class CompanionName
{
    public const string Suffix = "~h264";

    /// <summary>The companion's name for the stream <paramref name="parent"/>.</summary>
    public static string For(string parent) => parent + Suffix;

    /// <summary>
    /// The stream whose companion <paramref name="name"/> would be, or false for a name without the suffix.
    /// Says nothing about whether that stream exists or has a companion.
    /// </summary>
    public static bool TryGetParent(string name, [NotNullWhen(true)] out string? parent)
    {
        parent = name.Length > Suffix.Length && name.EndsWith(Suffix, StringComparison.Ordinal) ? name[..^Suffix.Length] : null;
        return parent is not null;
    }
}
