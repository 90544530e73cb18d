using System.Net;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace LiveMux.Server.Auth;

/// <summary>
/// Admin credentials: <c>X-Api-Key: KEY</c>, <c>Authorization: Bearer KEY</c> or <c>Authorization: Basic</c>
/// (RFC 7617). With none configured, only loopback callers that name a loopback host are admin. A null remote
/// address (TestServer, a Unix socket) counts as local. Behind a reverse proxy on the same host every request comes from loopback,
/// so configure credentials there.
/// </summary>
internal sealed class AdminAuthenticator(AuthOptions options)
{
    public const string ApiKeyHeader = "X-Api-Key";

    // A header past this is not a credential we issued; it is not decoded.
    private const int MaxCredentialLength = 4096;

    public bool Configured => options.AdminConfigured;

    /// <summary>The challenge a 401 carries: Basic when configured, so browsers offer their login dialog.</summary>
    public string Challenge => options.HasBasic ? "Basic realm=\"LiveMux\"" : "Bearer realm=\"LiveMux\"";

    public AdminCheck Check(HttpContext context)
    {
        if (!Configured)
        {
            if (!IsLocal(context.Connection.RemoteIpAddress))
            {
                return new AdminCheck(AdminOutcome.Forbidden, "admin is only available from localhost until LiveMux:Auth:ApiKey or Username and Password are configured");
            }

            // A browser on this machine reaches loopback under any name that resolves there; only a loopback name is the user's.
            return HostPolicy.IsLoopbackHost(context.Request.Host)
                ? new AdminCheck(AdminOutcome.Granted, "loopback")
                : new AdminCheck(AdminOutcome.Forbidden, "admin without credentials needs a loopback address in the URL (localhost, 127.0.0.1 or [::1]); under any other name configure LiveMux:Auth:ApiKey or Username and Password");
        }

        return Presented(context.Request) switch
        {
            Credential.None => new AdminCheck(AdminOutcome.Unauthorized, "admin credentials are required (X-Api-Key, Bearer or Basic)"),
            Credential.Valid => new AdminCheck(AdminOutcome.Granted, "credentials"),
            _ => new AdminCheck(AdminOutcome.Unauthorized, "invalid admin credentials"),
        };
    }

    /// <summary>True only for configured credentials that the request presents (loopback alone does not count).</summary>
    public bool HasValidCredentials(HttpRequest request) => Configured && Presented(request) == Credential.Valid;

    /// <summary>True when the request carries admin credentials, right or wrong (a guess to count if wrong).</summary>
    public static bool PresentsCredentials(HttpRequest request) =>
        request.Headers.ContainsKey(ApiKeyHeader) || request.Headers.ContainsKey(HeaderNames.Authorization);

    public static bool IsLocal(IPAddress? address) =>
        address is null || IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));

    private enum Credential
    {
        None,
        Valid,
        Invalid,
    }

    private Credential Presented(HttpRequest request)
    {
        var apiKey = request.Headers[ApiKeyHeader];
        if (apiKey.Count > 0)
        {
            return apiKey.Count == 1 && KeyMatches(apiKey.ToString()) ? Credential.Valid : Credential.Invalid;
        }

        var authorization = request.Headers[HeaderNames.Authorization];
        if (authorization.Count == 0)
        {
            return Credential.None;
        }

        var value = authorization.ToString();
        if (authorization.Count > 1 || value.Length > MaxCredentialLength)
        {
            return Credential.Invalid;
        }

        if (TryScheme(value, "Bearer", out var bearer))
        {
            return KeyMatches(bearer) ? Credential.Valid : Credential.Invalid;
        }

        if (TryScheme(value, "Basic", out var basic))
        {
            return BasicMatches(basic) ? Credential.Valid : Credential.Invalid;
        }

        return Credential.Invalid;
    }

    private bool KeyMatches(string presented) =>
        options.HasApiKey & SecretComparer.Equal(presented, options.ApiKey ?? "");

    private bool BasicMatches(string encoded)
    {
        if (!options.HasBasic)
        {
            return false;
        }

        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var length))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, length);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        // Both compared every time: which one failed is not timed either.
        var user = SecretComparer.Equal(text[..colon], options.Username!);
        var password = SecretComparer.Equal(text[(colon + 1)..], options.Password!);
        return user & password;
    }

    /// <summary>The credentials after an auth scheme (case-insensitive, RFC 9110 11.1).</summary>
    internal static bool TryScheme(string header, string scheme, out string credentials)
    {
        if (header.Length > scheme.Length && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header[scheme.Length] == ' ')
        {
            credentials = header[(scheme.Length + 1)..].Trim();
            return true;
        }

        credentials = "";
        return false;
    }
}
