using System.Buffers.Binary;
using System.Text;

namespace LiveMux.Rtsp.Rtp;

/// <summary>
/// A compound RTCP packet with one receiver report and our CNAME (RFC 3550 sections 6.4.2 and 6.5.1; 6.1 requires
/// the SDES in every compound packet).
/// <code>
///   0                   1                   2                   3
///   |V=2|P|  RC=1   |   PT=201 RR   |          length=7             |
///   |                     SSRC of packet sender                     |
///   |                 SSRC_1 (SSRC of first source)                 |
///   | fraction lost |       cumulative number of packets lost       |
///   |           extended highest sequence number received           |
///   |                      interarrival jitter                      |
///   |                         last SR (LSR)                         |
///   |                   delay since last SR (DLSR)                  |
///   |V=2|P|  SC=1   |  PT=202 SDES  |             length            |
///   |                          SSRC/CSRC_1                          |
///   |    CNAME=1    |     length    | user and domain name ...  END=0 padding to 32 bits
/// </code>
/// With no source heard yet, RC=0 and the report block is left out.
/// </summary>
internal static class RtcpReceiverReport
{
    public readonly record struct Block(
        uint SourceSsrc, byte FractionLost, int CumulativeLost, uint ExtendedHighestSequence, uint Jitter,
        uint LastSenderReport, uint DelaySinceLastSenderReport);

    public static byte[] Encode(uint senderSsrc, Block? block, string cname)
    {
        var name = Encoding.UTF8.GetBytes(cname);
        if (name.Length > 255)
        {
            name = name[..255];
        }
        var rrLength = block is null ? 8 : 32;
        // SSRC + type + length + text + END, padded to a multiple of 4 (at least one zero byte ends the list).
        var chunk = 4 + 2 + name.Length + 1;
        chunk = (chunk + 3) & ~3;
        var sdesLength = 4 + chunk;
        var packet = new byte[rrLength + sdesLength];
        var p = packet.AsSpan();

        p[0] = (byte)(0x80 | (block is null ? 0 : 1));
        p[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(p[2..], (ushort)(rrLength / 4 - 1));
        BinaryPrimitives.WriteUInt32BigEndian(p[4..], senderSsrc);
        if (block is { } b)
        {
            BinaryPrimitives.WriteUInt32BigEndian(p[8..], b.SourceSsrc);
            // Cumulative lost is a 24-bit signed number, clamped (RFC 3550 section 6.4.1).
            var lost = Math.Clamp(b.CumulativeLost, -0x800000, 0x7FFFFF);
            BinaryPrimitives.WriteUInt32BigEndian(p[12..], ((uint)b.FractionLost << 24) | ((uint)lost & 0xFFFFFF));
            BinaryPrimitives.WriteUInt32BigEndian(p[16..], b.ExtendedHighestSequence);
            BinaryPrimitives.WriteUInt32BigEndian(p[20..], b.Jitter);
            BinaryPrimitives.WriteUInt32BigEndian(p[24..], b.LastSenderReport);
            BinaryPrimitives.WriteUInt32BigEndian(p[28..], b.DelaySinceLastSenderReport);
        }

        var s = p[rrLength..];
        s[0] = 0x81;
        s[1] = 202;
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], (ushort)(sdesLength / 4 - 1));
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], senderSsrc);
        s[8] = 1; // CNAME
        s[9] = (byte)name.Length;
        name.CopyTo(s[10..]);
        // The rest is already zero: END item and padding.
        return packet;
    }

    /// <summary>The middle 32 bits of an NTP timestamp: the LSR field.</summary>
    public static uint MiddleBits(ulong ntp) => (uint)(ntp >> 16);

    /// <summary>Delay in units of 1/65536 s, saturating.</summary>
    public static uint ToDlsr(TimeSpan delay) =>
        delay <= TimeSpan.Zero ? 0 : (uint)Math.Min(uint.MaxValue, delay.TotalSeconds * 65536.0);
}
