using Microsoft.Net.Http.Headers;

namespace LiveMux.Server.Auth;

/// <summary>
/// Refuses admin requests a web page could have sent through its visitor's browser (cross-site request forgery).
/// A page on another origin can send a POST with no preflight only with a CORS-safelisted Content-Type (none,
/// text/plain, a form type), so a state change needs <c>application/json</c>. Browsers also say where a request
/// comes from: <c>Sec-Fetch-Site</c> (cross-site, same-site, same-origin, none) and <c>Origin</c>; the admin API
/// is refused to any other site whatever its credentials. A DELETE without a body needs no Content-Type: no
/// page can send a DELETE to another origin without a preflight, which LiveMux never grants.
/// </summary>
internal static class AdminForgeryCheck
{
    public const string SecFetchSite = "Sec-Fetch-Site";

    public const string JsonRequired = "admin requests that change something need Content-Type: application/json";

    public readonly record struct Refusal(int Status, string Title, string Detail);

    public static Refusal? Check(HttpRequest request, OriginPolicy origins)
    {
        foreach (var site in request.Headers[SecFetchSite])
        {
            if (string.Equals(site, "cross-site", StringComparison.OrdinalIgnoreCase) || string.Equals(site, "same-site", StringComparison.OrdinalIgnoreCase))
            {
                return new(StatusCodes.Status403Forbidden, "Forbidden", $"the admin API does not answer pages of other sites (Sec-Fetch-Site: {site?.ToLowerInvariant()}); use this server's own dashboard, or a client that is not a browser");
            }
        }

        if (request.Headers.ContainsKey(HeaderNames.Origin) && !origins.AllowsAdmin(request))
        {
            return new(StatusCodes.Status403Forbidden, "Forbidden", "the admin API does not answer pages of other origins: the Origin is neither this server's own nor in LiveMux:Auth:AllowedOrigins");
        }

        if (ChangesState(request.Method) && !IsJson(request.ContentType) && (request.ContentType is not null || !HttpMethods.IsDelete(request.Method) || HasBody(request)))
        {
            return new(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", JsonRequired);
        }

        return null;
    }

    private static bool ChangesState(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
}
