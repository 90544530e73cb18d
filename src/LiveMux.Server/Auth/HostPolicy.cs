using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace LiveMux.Server.Auth;

/// <summary>
/// Which <c>Host</c> headers this server answers (Syncthing's host check): an IP literal, <c>localhost</c>, or a
/// name in <c>LiveMux:PublicHosts</c>, on any port. A DNS-rebinding page runs on the attacker's own name, which
/// now resolves to this server; its requests carry that name as Host, so refusing unknown names leaves such a
/// page nothing to read or write. A page on an IP literal or on localhost is this server's own page. Names
/// under <c>.localhost</c> are not accepted: not every resolver keeps them on loopback.
/// </summary>
internal sealed partial class HostPolicy
{
    public const string Key = "LiveMux:PublicHosts";

    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);

    public HostPolicy(IEnumerable<string> publicHosts)
    {
        foreach (var name in publicHosts)
        {
            _names.Add(Normalize(name));
        }
    }

    /// <summary>True for a Host this server answers. No Host at all (HTTP/1.0) is not a browser, so it passes.</summary>
    public bool Accepts(HostString host)
    {
        if (!host.HasValue)
        {
            return true;
        }

        var name = host.Host;
        return IsLocalhostName(name) || TryParseIpLiteral(name, out _) || _names.Contains(Normalize(name));
    }

    /// <summary>
    /// True when the Host names this machine's loopback: <c>localhost</c>, 127.0.0.0/8 or <c>[::1]</c> (or no Host).
    /// Only then may a loopback caller be admin without credentials: a browser reaching loopback under any other
    /// name is following that name, not the user.
    /// </summary>
    public static bool IsLoopbackHost(HostString host)
    {
        if (!host.HasValue)
        {
            return true;
        }

        return IsLocalhostName(host.Host) || (TryParseIpLiteral(host.Host, out var address) && AdminAuthenticator.IsLocal(address));
    }

    /// <summary>Start-up checks: each entry is a DNS name, without scheme, port, path or wildcard.</summary>
    public static void Validate(List<string> errors, string[] publicHosts)
    {
        for (var i = 0; i < publicHosts.Length; i++)
        {
            var entry = publicHosts[i] ?? "";
            if (!HostName().IsMatch(entry) || TryParseIpLiteral(entry, out _))
            {
                errors.Add($"{Key}:{i} must be a host name such as cams.example.com, without scheme, port or path (IP addresses and localhost are always accepted)");
            }
        }
    }

    private static bool IsLocalhostName(string name) =>
        name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.Equals("localhost.", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An IPv4 address in its canonical dotted form, or an IPv6 address in brackets. .NET also parses "2130706433"
    /// or "0x7f.1" as addresses; browsers never send those (the URL parser rewrites them), so they are names here.
    /// </summary>
    private static bool TryParseIpLiteral(string name, out IPAddress? address)
    {
        address = null;
        if (name.Length > 2 && name[0] == '[' && name[^1] == ']')
        {
            return IPAddress.TryParse(name.AsSpan(1, name.Length - 2), out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        return IPAddress.TryParse(name, out address) && address.AddressFamily == AddressFamily.InterNetwork
            && address.ToString() == name;
    }

    private static string Normalize(string name) => name.EndsWith('.') ? name[..^1] : name;

    // RFC 1123 labels (underscores tolerated: some internal names use them), at most 253 characters, an optional final dot.
    [GeneratedRegex(@"^(?=.{1,254}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$")]
    private static partial Regex HostName();
}
