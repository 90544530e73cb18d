using System.Net;
using LiveMux.Rtsp.Auth;
using LiveMux.Rtsp.Server;
using LiveMux.Server.Auth;

namespace LiveMux.Server.Egress.Rtsp;

/// <summary>
/// Who may read or publish over RTSP, by the rules viewers follow on the web (<see cref="ViewerRules"/>):
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
internal sealed class RtspAccessPolicy(AuthOptions auth, ViewerRules rules, AdminGuessLimiter limiter)
{
    public (RtspRefusal Refusal, string Reason) CheckRead(string stream, RtspCredentials? credentials, IPEndPoint? remote)
    {
        var camera = ViewerRules.CameraOf(stream);
        if (rules.IsOpen(camera))
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

        var verdict = credentials.BasicPassword is { } password && ViewerRules.LooksLikeToken(password)
            ? rules.Judge(password, camera)
            : (ViewerVerdict?)null;
        if (verdict?.Kind == ViewerVerdictKind.Allowed || IsAdmin(credentials))
        {
            return (RtspRefusal.None, "");
        }

        switch (verdict)
        {
            case null:
                limiter.RecordFailure(partition); // a password, not a token: a guess at the admin's
                return (RtspRefusal.Unauthorized, "wrong credentials: the password must be a viewer token for this stream");
            case { Kind: ViewerVerdictKind.Forbidden } forbidden:
                return (RtspRefusal.Forbidden, forbidden.Reason);
            case { } refused:
                return (RtspRefusal.Unauthorized, refused.Reason);
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
