using System.Reflection;

namespace LiveMux.Server.Tests.Architecture;

/// <summary>Every LiveMux assembly the server is built from, found by walking its references, so a new project is
/// checked without being added here.</summary>
internal static class LiveMuxAssemblies
{
    public static IReadOnlyList<Assembly> All { get; } = Walk(typeof(ServerLog).Assembly);

    private static List<Assembly> Walk(Assembly root)
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal) { [root.GetName().Name!] = root };
        var pending = new Queue<Assembly>([root]);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                if (name.Name is { } n && n.StartsWith("LiveMux.", StringComparison.Ordinal) && !found.ContainsKey(n))
                {
                    var referenced = Assembly.Load(name);
                    found[n] = referenced;
                    pending.Enqueue(referenced);
                }
            }
        }
        return [.. found.Values.OrderBy(a => a.GetName().Name, StringComparer.Ordinal)];
    }
}
