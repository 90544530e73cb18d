using System.Buffers.Binary;

namespace LiveMux.Rtsp.Rtp;

/// <summary>
/// A Picture Loss Indication (RFC 4585 sections 6.1 and 6.3.1) appended to a receiver report: the compound packet
/// must begin with the RR and carry the SDES (RFC 3550 section 6.1), so a sender that validates compounds takes it.
/// <code>
///   [ RR | SDES CNAME ]  (RtcpReceiverReport)
///   0                   1                   2                   3
///   |V=2|P| FMT=1   |   PT=206 PSFB |          length=2             |
///   |                  SSRC of packet sender                        |
///   |                  SSRC of media source                         |
/// </code>
/// The PLI has no feedback control information. Senders that honour it (GStreamer's rtpsession, many encoders
/// behind WebRTC-style stacks) answer with a keyframe at once; others ignore it, and the next scheduled keyframe
/// ends the loss as before.
/// </summary>
internal static class RtcpPictureLoss
{
    public const int PliBytes = 12;

    public static byte[] Encode(uint senderSsrc, uint mediaSsrc, RtcpReceiverReport.Block? block, string cname)
    {
        var report = RtcpReceiverReport.Encode(senderSsrc, block, cname);
        var packet = new byte[report.Length + PliBytes];
        report.CopyTo(packet, 0);
        var pli = packet.AsSpan(report.Length);
        pli[0] = 0x80 | 1; // V=2, FMT=1 (PLI)
        pli[1] = 206; // PSFB
        BinaryPrimitives.WriteUInt16BigEndian(pli[2..], PliBytes / 4 - 1);
        BinaryPrimitives.WriteUInt32BigEndian(pli[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(pli[8..], mediaSsrc);
        return packet;
    }
}
