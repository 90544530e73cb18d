using System.Globalization;

namespace LiveMux.Rtsp.Protocol;

/// <summary>
/// Session header (RFC 2326 section 12.37).
/// <code>
///   Session: 47112344;timeout=60
/// </code>
/// </summary>
internal readonly record struct SessionHeader(string Id, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static bool TryParse(string? value, out SessionHeader session)
    {
        session = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }
        var parts = value.Split(';', StringSplitOptions.TrimEntries);
        if (parts[0].Length == 0)
        {
            return false;
        }
        var timeout = DefaultTimeout;
        foreach (var part in parts.AsSpan(1))
        {
            // Some cameras put spaces around '=' ("timeout = 60").
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part[..eq].Trim().Equals("timeout", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(part[(eq + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                && seconds > 0)
            {
                timeout = TimeSpan.FromSeconds(seconds);
            }
        }
        session = new SessionHeader(parts[0], timeout);
        return true;
    }
}
