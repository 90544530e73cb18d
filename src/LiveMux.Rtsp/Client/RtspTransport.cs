using LiveMux.Rtsp.Transport;
namespace LiveMux.Rtsp.Client;

/// <summary>How RTP reaches us: interleaved on the RTSP connection, UDP unicast, or UDP with a fallback to TCP.</summary>
public enum RtspTransport
{
    Tcp,
    Udp,

    /// <summary>UDP first; TCP (a new session) when the UDP SETUP is refused or no RTP arrives soon after PLAY.</summary>
    Auto,
}

public static class RtspTransportNames
{
    /// <summary>Parses the config spelling: tcp, udp or auto (any case). Numbers and other names are refused.</summary>
    public static bool TryParse(string? text, out RtspTransport transport)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "TCP":
                transport = RtspTransport.Tcp;
                return true;
            case "UDP":
                transport = RtspTransport.Udp;
                return true;
            case "AUTO":
                transport = RtspTransport.Auto;
                return true;
            default:
                transport = RtspTransport.Tcp;
                return false;
        }
    }

    /// <summary>True for a SHA-256 certificate thumbprint as config spells it: 64 hex digits, ':' ' ' '-' ignored.</summary>
    public static bool IsValidThumbprint(string? text) => RtspTls.IsValidThumbprint(text);
}
