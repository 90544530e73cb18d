using System.Globalization;

namespace LiveMux.Media.Sdp;

/// <summary>
/// One m= section to write (RFC 8866 section 5.14): what a sender announces for one RTP track.
/// <code>
///   m=video 0 RTP/AVP 96
///   a=rtpmap:96 H264/90000
///   a=fmtp:96 packetization-mode=1;profile-level-id=4D401E;sprop-parameter-sets=Z01AHp..,aO48gA==
///   a=framerate:30                (Attributes, as given)
///   a=control:trackID=0
/// </code>
/// </summary>
public sealed record SdpMediaSection(string MediaType, int PayloadType, string EncodingName, int ClockRate)
{
    /// <summary>Audio channels; written after the clock rate when above 1.</summary>
    public int Channels { get; init; } = 1;

    /// <summary>The a=fmtp value after the payload type, or null for none.</summary>
    public string? FormatParameters { get; init; }

    /// <summary>Further a= lines, without "a=".</summary>
    public IReadOnlyList<string> Attributes { get; init; } = [];

    /// <summary>
    /// RFC 6184 section 8.1: H.264 in packetization mode 1, with profile-level-id (SPS bytes 1..3) and the
    /// parameter sets a receiver needs before the first in-band SPS/PPS.
    /// </summary>
    public static SdpMediaSection H264(int payloadType, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps)
    {
        if (sps.Length < 4 || pps.IsEmpty)
        {
            throw new ArgumentException("An H.264 SDP needs an SPS of at least 4 bytes and a PPS.");
        }
        return new SdpMediaSection("video", payloadType, "H264", 90_000)
        {
            FormatParameters = string.Create(CultureInfo.InvariantCulture,
                $"packetization-mode=1;profile-level-id={Convert.ToHexString(sps.Slice(1, 3))};sprop-parameter-sets={Convert.ToBase64String(sps)},{Convert.ToBase64String(pps)}"),
        };
    }
}
