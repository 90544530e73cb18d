using System.Buffers.Binary;

namespace LiveMux.Media.Rtp;

/// <summary>
/// RFC 3550 section 5.1 fixed header, parsed in place.
/// <code>
///  0                   1                   2                   3
///  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
///  |                           timestamp                           |
///  |                             SSRC                              |
///  |            CSRC list (CC x 32 bits), extension (X), payload, padding (P)
/// </code>
/// </summary>
public readonly ref struct RtpPacket
{
    public bool Marker { get; init; }
    public byte PayloadType { get; init; }
    public ushort SequenceNumber { get; init; }
    public uint Timestamp { get; init; }
    public uint Ssrc { get; init; }
    public ReadOnlySpan<byte> Payload { get; init; }

    public static RtpParseStatus TryParse(ReadOnlySpan<byte> data, out RtpPacket packet)
    {
        packet = default;
        if (data.Length < 12)
        {
            return RtpParseStatus.TooShort;
        }

        if (data[0] >> 6 != 2)
        {
            return RtpParseStatus.BadVersion;
        }

        var offset = 12 + ((data[0] & 0x0F) * 4);
        if ((data[0] & 0x10) != 0)
        {
            if (data.Length < offset + 4)
            {
                return RtpParseStatus.TooShort;
            }

            offset += 4 + (BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]) * 4);
        }

        var end = data.Length;
        if ((data[0] & 0x20) != 0)
        {
            if (data.Length == 0 || data[^1] == 0)
            {
                return RtpParseStatus.BadPadding;
            }

            end -= data[^1];
        }

        if (offset > end)
        {
            return end < data.Length ? RtpParseStatus.BadPadding : RtpParseStatus.TooShort;
        }

        packet = new RtpPacket
        {
            Marker = (data[1] & 0x80) != 0,
            PayloadType = (byte)(data[1] & 0x7F),
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            Payload = data[offset..end],
        };
        return RtpParseStatus.Ok;
    }
}

public enum RtpParseStatus
{
    Ok,
    TooShort,
    BadVersion,
    BadPadding,
}
