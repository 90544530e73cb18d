using System.Text.RegularExpressions;

namespace LiveMux.Server.Auth;

/// <summary>Start-up checks of <c>LiveMux:Auth</c>. Messages name the key and never echo a secret.</summary>
internal static partial class AuthOptionsValidator
{
    public const int MinSecretLength = 32;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex StreamName();

    public static void Validate(List<string> errors, AuthOptions auth)
    {
        const string key = AuthOptions.Section;
        if (auth.ApiKey is { } apiKey && apiKey.Length > 0 && (string.IsNullOrWhiteSpace(apiKey) || apiKey.Any(char.IsControl)))
        {
            errors.Add($"{key}:ApiKey must not be blank or hold control characters");
        }

        if (string.IsNullOrEmpty(auth.Username) != string.IsNullOrEmpty(auth.Password))
        {
            errors.Add($"{key}:Username and {key}:Password are set together (Basic credentials) or not at all");
        }

        // RFC 7617 2: the user-id ends at the first colon.
        if (auth.Username?.Contains(':', StringComparison.Ordinal) == true)
        {
            errors.Add($"{key}:Username must not contain ':'");
        }

        if (auth.TokenSecret is { } secret && secret.Length < MinSecretLength)
        {
            errors.Add($"{key}:TokenSecret must be at least {MinSecretLength} characters (e.g. `openssl rand -base64 48`)");
        }
        else if (auth.Viewers == ViewerAccessMode.Token && string.IsNullOrEmpty(auth.TokenSecret))
        {
            errors.Add($"{key}:TokenSecret is required when {key}:Viewers is token (at least {MinSecretLength} characters)");
        }

        for (var i = 0; i < auth.PublicStreams.Length; i++)
        {
            if (!StreamName().IsMatch(auth.PublicStreams[i] ?? ""))
            {
                errors.Add($"{key}:PublicStreams:{i} is not a stream name");
            }
        }

        for (var i = 0; i < auth.AllowedOrigins.Length; i++)
        {
            var origin = auth.AllowedOrigins[i] ?? "";
            if (origin != "*" && origin != "null" && !OriginPolicy.TryParseOrigin(origin.TrimEnd('/'), out _))
            {
                errors.Add($"{key}:AllowedOrigins:{i} must be an origin such as https://example.com:8443, or *");
            }
        }
    }
}
