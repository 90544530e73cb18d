namespace LiveMux.Hub.Sources.Ffmpeg;

/// <summary>
/// Resolves a file name given through the API inside the media directory, following every symbolic link on
/// the way (of the directory too), so neither <c>..</c> nor a link can lead out of it.
/// </summary>
public static class MediaPath
{
    private const int MaxLinks = 40;

    /// <param name="directory">The configured media directory, an absolute path.</param>
    /// <param name="name">Relative to the directory, or absolute inside it.</param>
    public static bool TryResolve(string directory, string name, out string fullPath, out string error)
    {
        fullPath = "";
        if (string.IsNullOrEmpty(directory))
        {
            error = "no media directory is configured (LiveMux:Ffmpeg:MediaDirectory)";
            return false;
        }

        if (!Resolve(Path.GetFullPath(directory), out var root, out error) || !Directory.Exists(root))
        {
            error = error.Length > 0 ? error : "the media directory does not exist";
            return false;
        }

        if (!Resolve(Path.GetFullPath(name, root), out var target, out error))
        {
            return false;
        }

        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (!target.StartsWith(prefix, StringComparison.Ordinal))
        {
            error = "the file is not inside the media directory (after resolving '..' and symbolic links)";
            return false;
        }

        if (!File.Exists(target))
        {
            error = "no such file in the media directory";
            return false;
        }

        fullPath = target;
        return true;
    }

    // realpath(3) in managed code: each component in turn, a link's target spliced in and walked again.
    private static bool Resolve(string path, out string resolved, out string error)
    {
        error = "";
        var pending = new Stack<string>(path.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = Path.GetPathRoot(path) ?? "/";
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Combine(current, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } link)
            {
                if (++links > MaxLinks)
                {
                    resolved = "";
                    error = "too many symbolic links";
                    return false;
                }

                // The target's pieces go before the ones still to walk; a relative target starts from the resolved
                // directory holding the link, so its '..' means what the kernel makes of it.
                var absolute = Path.IsPathRooted(link) ? link : Path.Combine(current, link);
                foreach (var piece in absolute.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
                {
                    pending.Push(piece);
                }

                current = Path.GetPathRoot(absolute) ?? "/";
                continue;
            }

            current = next;
        }

        resolved = current;
        return true;
    }
}
