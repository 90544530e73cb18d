namespace LiveMux.Rtsp.Protocol;

/// <summary>
/// Resolves a=control values against the DESCRIBE base URL (RFC 2326 section C.1.1).
/// Relative controls are appended to the base with a '/' rather than resolved per RFC 3986: cameras rely on it,
/// e.g. a Dahua-style base "rtsp://h/cam/realmonitor?channel=1&amp;subtype=0/" with control "trackID=0".
/// </summary>
internal static class ControlUrl
{
    public static string Resolve(string baseUrl, string? control)
    {
        if (string.IsNullOrEmpty(control) || control == "*")
        {
            return baseUrl;
        }
        if (control.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase)
            || control.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase))
        {
            return control;
        }
        if (control.StartsWith('/'))
        {
            var authorityEnd = baseUrl.IndexOf('/', baseUrl.IndexOf("://", StringComparison.Ordinal) + 3);
            return (authorityEnd < 0 ? baseUrl : baseUrl[..authorityEnd]) + control;
        }
        return baseUrl.EndsWith('/') ? baseUrl + control : baseUrl + "/" + control;
    }

    /// <summary>Base URL from a DESCRIBE response: Content-Base, then Content-Location, then the request URL.</summary>
    public static string BaseOf(string requestUrl, string? contentBase, string? contentLocation)
    {
        var candidate = !string.IsNullOrWhiteSpace(contentBase) ? contentBase.Trim()
            : !string.IsNullOrWhiteSpace(contentLocation) ? contentLocation.Trim()
            : null;
        return candidate is null ? requestUrl : Resolve(requestUrl, candidate);
    }
}
