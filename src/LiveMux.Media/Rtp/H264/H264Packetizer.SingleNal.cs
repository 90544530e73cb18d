using System.Buffers.Binary;

namespace LiveMux.Media.Rtp.H264;

/// <summary>
/// One NAL unit at a time, for callers that hold NAL units rather than access units (the demo streamer): a NAL
/// unit that fits the payload budget goes in a Single NAL Unit packet (RFC 6184 section 5.6); a bigger one is
/// split into FU-A fragments (section 5.8). The RTP fixed header is RFC 3550 section 5.1.
/// </summary>
/// <remarks>
/// <code>
///  RTP header (12 bytes, no CSRC, no extension)
///   0                   1                   2                   3
///   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
///  |                           timestamp                           |
///  |           synchronization source (SSRC) identifier            |
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  Single NAL unit payload:  | NAL header | NAL payload ...         |
///  FU-A payload:             | FU indicator | FU header | fragment  |
///    FU indicator = F|NRI of the NAL, type 28;  FU header = S|E|R=0|NAL type
/// </code>
/// The caller owns sequence numbers: packet i of a NAL unit carries its first sequence number + i.
/// The marker bit is set on the last packet of the last NAL unit of an access unit (RFC 6184 5.1).
/// </remarks>
public sealed partial class H264Packetizer
{
    public const int RtpHeaderSize = 12;
    public const int DefaultMaxPayloadSize = 1200;
    public const int FuAOverhead = 2;
    /// <summary>An FU-A packet must carry at least one NAL payload byte.</summary>
    public const int MinMaxPayloadSize = FuAOverhead + 1;

    private const byte FuAType = 28;

    /// <summary>Number of RTP packets <paramref name="nalLength"/> bytes of NAL unit need, or 0 if invalid.</summary>
    public static int GetPacketCount(int nalLength, int maxPayloadSize = DefaultMaxPayloadSize)
    {
        if (nalLength < 1 || maxPayloadSize < MinMaxPayloadSize)
        {
            return 0;
        }

        if (nalLength <= maxPayloadSize)
        {
            return 1;
        }

        int fragmentSize = maxPayloadSize - FuAOverhead;
        return ((nalLength - 1) + fragmentSize - 1) / fragmentSize;
    }

    /// <summary>Total size of all RTP packets (headers included) for a NAL unit, or 0 if invalid.</summary>
    public static int GetPacketizedSize(int nalLength, int maxPayloadSize = DefaultMaxPayloadSize)
    {
        int count = GetPacketCount(nalLength, maxPayloadSize);
        return count switch
        {
            0 => 0,
            1 => RtpHeaderSize + nalLength,
            _ => (count * (RtpHeaderSize + FuAOverhead)) + nalLength - 1,
        };
    }

    /// <summary>
    /// Writes packet <paramref name="packetIndex"/> of <paramref name="nal"/> into <paramref name="destination"/>.
    /// </summary>
    /// <param name="nal">One NAL unit, header byte first, without start code.</param>
    /// <param name="packetIndex">0 .. <see cref="GetPacketCount"/> - 1.</param>
    /// <param name="header">RTP fields; its sequence number is used as is.</param>
    /// <param name="lastNalOfAccessUnit">Sets the marker bit on this NAL's last packet.</param>
    public static Status WritePacket(
        ReadOnlySpan<byte> nal,
        int packetIndex,
        in HeaderFields header,
        bool lastNalOfAccessUnit,
        Span<byte> destination,
        out int bytesWritten,
        int maxPayloadSize = DefaultMaxPayloadSize)
    {
        bytesWritten = 0;
        if (nal.IsEmpty)
        {
            return Status.EmptyNalUnit;
        }

        if (maxPayloadSize < MinMaxPayloadSize)
        {
            return Status.MaxPayloadTooSmall;
        }

        if (header.PayloadType > 127)
        {
            return Status.InvalidPayloadType;
        }

        int count = GetPacketCount(nal.Length, maxPayloadSize);
        if ((uint)packetIndex >= (uint)count)
        {
            return Status.PacketIndexOutOfRange;
        }

        bool last = packetIndex == count - 1;
        bool marker = last && lastNalOfAccessUnit;

        if (count == 1)
        {
            int size = RtpHeaderSize + nal.Length;
            if (destination.Length < size)
            {
                return Status.DestinationTooSmall;
            }

            WriteHeader(destination, header, marker);
            nal.CopyTo(destination[RtpHeaderSize..]);
            bytesWritten = size;
            return Status.Done;
        }

        int fragmentSize = maxPayloadSize - FuAOverhead;
        ReadOnlySpan<byte> body = nal[1..];
        int offset = packetIndex * fragmentSize;
        ReadOnlySpan<byte> fragment = body.Slice(offset, Math.Min(fragmentSize, body.Length - offset));
        int fuSize = RtpHeaderSize + FuAOverhead + fragment.Length;
        if (destination.Length < fuSize)
        {
            return Status.DestinationTooSmall;
        }

        WriteHeader(destination, header, marker);
        byte nalHeader = nal[0];
        destination[RtpHeaderSize] = (byte)((nalHeader & 0xE0) | FuAType);
        destination[RtpHeaderSize + 1] = (byte)(
            (packetIndex == 0 ? 0x80 : 0) | (last ? 0x40 : 0) | (nalHeader & 0x1F));
        fragment.CopyTo(destination[(RtpHeaderSize + FuAOverhead)..]);
        bytesWritten = fuSize;
        return Status.Done;
    }

    /// <summary>
    /// Packetizes a whole NAL unit, handing each packet to <paramref name="sink"/>. Packet i carries
    /// <c>header.SequenceNumber + i</c>. <paramref name="scratch"/> must hold one packet
    /// (<see cref="RtpHeaderSize"/> + <paramref name="maxPayloadSize"/> bytes is always enough).
    /// </summary>
    /// <returns>Done, with <paramref name="packetCount"/> packets emitted, or the reason nothing was.</returns>
    public static Status Packetize<TState>(
        ReadOnlySpan<byte> nal,
        in HeaderFields header,
        bool lastNalOfAccessUnit,
        Span<byte> scratch,
        PacketSink<TState> sink,
        TState state,
        out int packetCount,
        int maxPayloadSize = DefaultMaxPayloadSize)
    {
        packetCount = 0;
        int count = GetPacketCount(nal.Length, maxPayloadSize);
        if (count == 0)
        {
            return nal.IsEmpty ? Status.EmptyNalUnit : Status.MaxPayloadTooSmall;
        }

        if (scratch.Length < RtpHeaderSize + Math.Min(nal.Length, maxPayloadSize))
        {
            return Status.DestinationTooSmall;
        }

        for (int i = 0; i < count; i++)
        {
            HeaderFields h = header with { SequenceNumber = unchecked((ushort)(header.SequenceNumber + i)) };
            Status status = WritePacket(nal, i, h, lastNalOfAccessUnit, scratch, out int written, maxPayloadSize);
            if (status != Status.Done)
            {
                return status;
            }

            sink(scratch[..written], state);
            packetCount++;
        }

        return Status.Done;
    }

    private static void WriteHeader(Span<byte> destination, in HeaderFields header, bool marker)
    {
        destination[0] = 0x80; // V=2, P=0, X=0, CC=0
        destination[1] = (byte)((marker ? 0x80 : 0) | header.PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], header.SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], header.Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], header.Ssrc);
    }

    /// <summary>The RTP fixed-header fields a packetizer needs from its caller.</summary>
    public readonly record struct HeaderFields(byte PayloadType, ushort SequenceNumber, uint Timestamp, uint Ssrc);

    /// <summary>Receives one complete RTP packet; the span is only valid during the call.</summary>
    public delegate void PacketSink<in TState>(ReadOnlySpan<byte> packet, TState state);

    public enum Status
    {
        Done,
        EmptyNalUnit,
        MaxPayloadTooSmall,
        InvalidPayloadType,
        PacketIndexOutOfRange,
        DestinationTooSmall,
    }
}
