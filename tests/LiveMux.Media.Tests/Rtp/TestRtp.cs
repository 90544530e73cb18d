using System.Buffers.Binary;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>Builds RTP packets (RFC 3550 5.1 fixed header, no CSRC or extension) for table tests.</summary>
internal static class TestRtp
{
    public static byte[] Packet(ushort sequence, uint timestamp, bool marker, ReadOnlySpan<byte> payload, byte payloadType = 96)
    {
        var packet = new byte[12 + payload.Length];
        packet[0] = 0x80;
        packet[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x11223344);
        payload.CopyTo(packet.AsSpan(12));
        return packet;
    }

    /// <summary>Rewrites a recorded packet's sequence number, timestamp or marker.</summary>
    public static byte[] With(byte[] packet, ushort? sequence = null, uint? timestamp = null, bool? marker = null)
    {
        var copy = (byte[])packet.Clone();
        if (sequence is { } s)
        {
            BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(2), s);
        }

        if (timestamp is { } t)
        {
            BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(4), t);
        }

        if (marker is { } m)
        {
            copy[1] = (byte)((copy[1] & 0x7F) | (m ? 0x80 : 0));
        }

        return copy;
    }

    public static ushort Sequence(byte[] packet) => BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2));

    public static uint Timestamp(byte[] packet) => BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(4));

    public static bool Marker(byte[] packet) => (packet[1] & 0x80) != 0;
}
