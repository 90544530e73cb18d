using System.Text.RegularExpressions;
using LiveMux.Tests;

namespace LiveMux.Media.Tests;

/// <summary>
/// Media's folders depend on each other one way (Formats on top, Bits at the bottom), so a folder can be
/// understood, tested and moved without the ones above it. Read from the sources' using directives and
/// qualified names, at namespace granularity (Mp4 and Mp4.Reading are two).
/// </summary>
public sealed partial class MediaFolderDependencyTests
{
    [Fact]
    public void Namespaces_in_Media_form_no_cycle()
    {
        var source = Path.Combine(RepoPaths.Root, "src", "LiveMux.Media");
        var edges = new Dictionary<string, HashSet<string>>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            var text = File.ReadAllText(file);
            var own = NamespaceLine().Match(text).Groups[1].Value;
            var targets = edges.TryGetValue(own, out var set) ? set : edges[own] = [];
            foreach (Match m in Reference().Matches(text))
            {
                var target = m.Groups[1].Value;
                if (target != own)
                {
                    targets.Add(target);
                }
            }
        }

        // A nested namespace sees its parent's types without a using: Rtp.H264 uses Rtp's RtpPacket.
        foreach (var (own, targets) in edges)
        {
            if (own.LastIndexOf('.') is var dot and > 0 && edges.ContainsKey(own[..dot]))
            {
                targets.Add(own[..dot]);
            }
        }

        Assert.Contains("LiveMux.Media.Formats", edges.Keys);
        Assert.Contains("LiveMux.Media.Rtp", edges["LiveMux.Media.Rtp.H264"]);
        var cycle = FindCycle(edges);
        Assert.True(cycle is null, $"namespace cycle: {string.Join(" -> ", cycle ?? [])}");
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> edges)
    {
        var state = new Dictionary<string, int>();
        var path = new List<string>();

        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return [.. path.Skip(path.IndexOf(next)), next];
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        foreach (var node in edges.Keys)
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    // "using LiveMux.Media.X.Y;" only: qualified names in code are rare here and come with a using nearby.
    [GeneratedRegex(@"^using (LiveMux\.Media(?:\.\w+)+);", RegexOptions.Multiline)]
    private static partial Regex Reference();
}
