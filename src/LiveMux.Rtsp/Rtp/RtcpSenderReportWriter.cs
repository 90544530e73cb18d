using System.Buffers.Binary;

namespace LiveMux.Rtsp.Rtp;

/// <summary>
/// A compound RTCP packet with one sender report and our CNAME (RFC 3550 sections 6.4.1 and 6.5.1; 6.1 requires
/// the SDES in every compound packet). It ties the track's RTP clock to the wall clock, so a receiver can put
/// audio and video on one timeline.
/// <code>
///   |V=2|P|  RC=0   |   PT=200 SR   |          length=6             |
///   |                         SSRC of sender                        |
///   |              NTP timestamp, most significant word             |
///   |             NTP timestamp, least significant word             |
///   |                         RTP timestamp                         |
///   |                     sender's packet count                     |
///   |                      sender's octet count                     |
///   |V=2|P|  SC=1   |  PT=202 SDES  |           length=4            |
///   |                              SSRC                             |
///   |    CNAME=1    |   length=7    |  "livemux" ...  END=0, padded |
/// </code>
/// </summary>
internal static class RtcpSenderReportWriter
{
    public const int Length = 28 + 20;

    private static ReadOnlySpan<byte> Cname => "livemux"u8;

    public static int Write(Span<byte> destination, uint ssrc, ulong ntp, uint rtpTimestamp, uint packets, uint octets)
    {
        var p = destination[..Length];
        p.Clear();
        p[0] = 0x80;
        p[1] = 200;
        BinaryPrimitives.WriteUInt16BigEndian(p[2..], 6);
        BinaryPrimitives.WriteUInt32BigEndian(p[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(p[8..], ntp);
        BinaryPrimitives.WriteUInt32BigEndian(p[16..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(p[20..], packets);
        BinaryPrimitives.WriteUInt32BigEndian(p[24..], octets);

        var s = p[28..];
        s[0] = 0x81;
        s[1] = 202;
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], 4);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], ssrc);
        s[8] = 1;
        s[9] = (byte)Cname.Length;
        Cname.CopyTo(s[10..]);
        return Length;
    }
}
