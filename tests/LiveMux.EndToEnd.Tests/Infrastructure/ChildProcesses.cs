using System.Globalization;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>A process's children by name, from /proc: running ones and zombies (state Z) alike.</summary>
internal static class ChildProcesses
{
    public sealed record Child(int Pid, char State);

    public static IReadOnlyList<Child> Of(int parent, string name)
    {
        var children = new List<Child>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // exited while we looked
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // pid (comm) state ppid ...; comm may hold spaces and parentheses, so split at the last ')'.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open)
            {
                continue;
            }

            var fields = stat[(close + 2)..].Split(' ');
            if (stat[(open + 1)..close] == name && int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
            {
                children.Add(new Child(pid, fields[0][0]));
            }
        }

        return children;
    }

    public static async Task<IReadOnlyList<Child>> WaitForCountAsync(int parent, string name, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var children = Of(parent, name);
            if (children.Count == count || DateTime.UtcNow > deadline)
            {
                return children;
            }

            await Task.Delay(100);
        }
    }
}
