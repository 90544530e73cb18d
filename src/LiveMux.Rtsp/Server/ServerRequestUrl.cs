namespace LiveMux.Rtsp.Server;

/// <summary>
/// The mount path and track a request URL names (RFC 2326 section 3.2). A track URL is the Content-Base plus the
/// SDP's control, as clients resolve it:
/// <code>
///   rtsp://host:8554/demo              path "demo", aggregate
///   rtsp://host:8554/demo/trackID=0    path "demo", track 0
///   /demo/?x=1                         path "demo" (a query is ignored)
/// </code>
/// </summary>
internal static class ServerRequestUrl
{
    private const string TrackPrefix = "/trackID=";

    public static bool TryParse(string uri, out string path, out int? track)
    {
        path = "";
        track = null;
        if (!TryGetPath(uri, out var rest))
        {
            return false;
        }
        var trackAt = rest.LastIndexOf(TrackPrefix, StringComparison.Ordinal);
        if (trackAt >= 0)
        {
            if (!int.TryParse(rest.AsSpan(trackAt + TrackPrefix.Length), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                return false;
            }
            track = index;
            rest = rest[..trackAt];
        }
        path = rest.Trim('/');
        return true;
    }

    /// <summary>The URL's path without scheme, authority, query or trailing '/' (a track suffix is kept).</summary>
    public static bool TryGetPath(string uri, out string path)
    {
        if (uri.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase))
        {
            var authority = uri.IndexOf("://", StringComparison.Ordinal) + 3;
            var slash = uri.IndexOf('/', authority);
            path = slash < 0 ? "/" : uri[slash..];
        }
        else if (uri.StartsWith('/'))
        {
            path = uri;
        }
        else
        {
            path = "";
            return false;
        }
        var query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }
        path = path.TrimEnd('/');
        return true;
    }
}
