namespace LiveMux.Media.Sdp;

/// <summary>Hard caps: an SDP comes from the network and a camera firmware bug must not grow memory.</summary>
internal static class SdpLimits
{
    public const int MaxBytes = 64 * 1024;
    public const int MaxLines = 1024;
    // H.265 sprop-vps/sps/pps in one a=fmtp line can reach a few hundred bytes; 4 KB leaves room.
    public const int MaxLineLength = 4096;
    public const int MaxMediaSections = 32;
    public const int MaxFormatParameters = 64;
}
