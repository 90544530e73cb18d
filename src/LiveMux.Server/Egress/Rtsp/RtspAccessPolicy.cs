using System.Net;
using LiveMux.Hub;
using LiveMux.Rtsp.Auth;
using LiveMux.Rtsp.Server;
using LiveMux.Server.Auth;

namespace LiveMux.Server.Egress.Rtsp;

/// <summary>
/// Who may read or publish over RTSP, by the rules viewers follow on the web (<see cref="ViewerAccess"/>):
/// <list type="bullet">
/// <item>Viewers=open: anyone who reaches the port reads.</item>
/// <item>Viewers=token: public streams are open; otherwise the password (any user name) is a viewer token for the
/// stream, or the admin's password or API key. Tokens come over Basic only: Digest proves a password the server
/// holds, and a token is signed, not stored. So readers are challenged with Basic.</item>
/// <item>Publishing needs the stream's publish password, over Basic or Digest (challenged with both).</item>
/// </list>
/// Wrong admin or publish passwords count against the address like wrong admin credentials on the API, and an
/// address out of guesses is refused without a check.
/// </summary>
internal sealed class RtspAccessPolicy(AuthOptions auth, ViewerTokens tokens, AdminGuessLimiter limiter)
{
    private readonly HashSet<string> _public = new(auth.PublicStreams, StringComparer.Ordinal);

    public (RtspRefusal Refusal, string Reason) CheckRead(string stream, RtspCredentials? credentials, IPEndPoint? remote)
    {
        if (auth.Viewers != ViewerAccessMode.Token)
        {
            return (RtspRefusal.None, "");
        }

        var camera = CompanionName.TryGetParent(stream, out var parent) ? parent : stream;
        if (_public.Contains(camera))
        {
            return (RtspRefusal.None, "");
        }

        if (credentials is null)
        {
            return (RtspRefusal.Unauthorized, "a viewer token is required as the password");
        }

        var partition = AdminGuessLimiter.Partition(remote?.Address);
        if (limiter.IsThrottled(partition))
        {
            return (RtspRefusal.Unauthorized, "too many failed attempts; wait a second");
        }

        var token = credentials.BasicPassword is { } password && password.StartsWith("v1.", StringComparison.Ordinal)
            ? tokens.Validate(password, camera)
            : (ViewerTokenStatus?)null;
        if (token == ViewerTokenStatus.Valid || IsAdmin(credentials))
        {
            return (RtspRefusal.None, "");
        }

        switch (token)
        {
            case ViewerTokenStatus.WrongStream:
                return (RtspRefusal.Forbidden, "token is for another stream");
            case ViewerTokenStatus.Expired:
                return (RtspRefusal.Unauthorized, "token expired");
            case null:
                limiter.RecordFailure(partition); // a password, not a token: a guess at the admin's
                return (RtspRefusal.Unauthorized, "wrong credentials: the password must be a viewer token for this stream");
            default:
                return (RtspRefusal.Unauthorized, "bad or malformed token");
        }
    }

    public (RtspRefusal Refusal, string Reason) CheckPublish(string password, RtspCredentials? credentials, IPEndPoint? remote)
    {
        if (credentials is null)
        {
            return (RtspRefusal.Unauthorized, "the publish password is required");
        }

        var partition = AdminGuessLimiter.Partition(remote?.Address);
        if (limiter.IsThrottled(partition))
        {
            return (RtspRefusal.Unauthorized, "too many failed attempts; wait a second");
        }

        if (credentials.Matches(password))
        {
            return (RtspRefusal.None, "");
        }

        limiter.RecordFailure(partition);
        return (RtspRefusal.Unauthorized, "wrong publish password");
    }

    private bool IsAdmin(RtspCredentials credentials) =>
        (auth.HasBasic && string.Equals(credentials.User, auth.Username, StringComparison.Ordinal) && credentials.Matches(auth.Password!))
        || (auth.HasApiKey && credentials.Matches(auth.ApiKey!));
}
