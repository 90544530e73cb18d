using System.Buffers.Binary;

namespace LiveMux.Media.Rtp;

/// <summary>
/// The part of an RTCP sender report (RFC 3550 §6.4.1) that ties a track's RTP clock to the sender's wall
/// clock; two tracks with reports can be put on one timeline.
/// </summary>
public readonly record struct RtcpSenderReport(uint Ssrc, ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    private const int PayloadTypeSenderReport = 200;
    private const int SenderReportLength = 28;

    /// <summary>The NTP timestamp as seconds since 1900 (32.32 fixed point).</summary>
    public double NtpSeconds => (NtpTimestamp >> 32) + (NtpTimestamp & 0xFFFF_FFFF) / 4294967296.0;

    /// <summary>Finds the sender report in a compound RTCP packet; false if there is none or the packet is malformed.</summary>
    public static bool TryFind(ReadOnlySpan<byte> compound, out RtcpSenderReport report)
    {
        report = default;
        while (compound.Length >= 4)
        {
            if (compound[0] >> 6 != 2)
            {
                return false;
            }

            var length = (BinaryPrimitives.ReadUInt16BigEndian(compound[2..]) + 1) * 4;
            if (length > compound.Length)
            {
                return false;
            }

            if (compound[1] == PayloadTypeSenderReport && length >= SenderReportLength)
            {
                var p = compound[4..];
                report = new RtcpSenderReport(
                    BinaryPrimitives.ReadUInt32BigEndian(p),
                    BinaryPrimitives.ReadUInt64BigEndian(p[4..]),
                    BinaryPrimitives.ReadUInt32BigEndian(p[12..]),
                    BinaryPrimitives.ReadUInt32BigEndian(p[16..]),
                    BinaryPrimitives.ReadUInt32BigEndian(p[20..]));
                return true;
            }

            compound = compound[length..];
        }

        return false;
    }
}
