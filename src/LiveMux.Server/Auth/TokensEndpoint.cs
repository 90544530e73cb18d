using System.Globalization;
using System.Text.RegularExpressions;

namespace LiveMux.Server.Auth;

/// <summary>
/// <c>POST /api/tokens</c> (admin): <c>{"stream":"cam1","ttlSeconds":3600}</c> -> <c>{"token":"v1...","expires":"2026-01-01T00:00:00Z"}</c>.
/// The stream need not exist yet: a token may be handed out before its camera is added.
/// </summary>
internal static partial class TokensEndpoint
{
    public const long DefaultTtlSeconds = 3600;
    public const long MaxTtlSeconds = 30 * 24 * 3600;

    public sealed record TokenRequest(string? Stream, long? TtlSeconds);

    public sealed record TokenResponse(string Token, string Expires);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex StreamName();

    public static IResult Handle(TokenRequest? request, ViewerTokens tokens, ILogger<ViewerTokens> logger)
    {
        if (!tokens.Enabled)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Viewer tokens are not configured",
                detail: "set LiveMux:Auth:TokenSecret (at least 32 characters) to mint viewer tokens");
        }

        var errors = new Dictionary<string, string[]>();
        var stream = request?.Stream ?? "";
        if (!StreamName().IsMatch(stream))
        {
            errors["stream"] = ["a stream name is required: letters, digits, '_', '-' and '.', at most 64 characters"];
        }

        var ttl = request?.TtlSeconds ?? DefaultTtlSeconds;
        if (ttl is < 1 or > MaxTtlSeconds)
        {
            errors["ttlSeconds"] = [$"ttlSeconds must be from 1 to {MaxTtlSeconds} (30 days)"];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var (token, expires) = tokens.Mint(stream, TimeSpan.FromSeconds(ttl));
        AuthLog.TokenMinted(logger, stream, expires);
        return Results.Ok(new TokenResponse(token, expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
    }
}
