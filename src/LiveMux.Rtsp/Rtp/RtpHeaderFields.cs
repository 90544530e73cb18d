using LiveMux.Media.Rtp;

namespace LiveMux.Rtsp.Rtp;

/// <summary>
/// The fields of an RTP header parsed once (<see cref="RtpPacket.TryParse"/>), kept beside a pooled buffer while the
/// packet waits in the reorder buffer, so the packet handed on later is rebuilt without parsing the header again.
/// <code>
///   buffer: | fixed header, CSRCs, extension | payload (PayloadOffset, PayloadLength) | padding |
/// </code>
/// </summary>
internal readonly record struct RtpHeaderFields(
    bool Marker, byte PayloadType, ushort SequenceNumber, uint Timestamp, uint Ssrc, int PayloadOffset, int PayloadLength)
{
    /// <summary><paramref name="packet"/> must have been parsed from <paramref name="data"/>.</summary>
    public static RtpHeaderFields From(in RtpPacket packet, ReadOnlySpan<byte> data)
    {
        // An empty payload may not point into data; its offset does not matter then.
        var offset = data.Overlaps(packet.Payload, out var elementOffset) ? elementOffset : 0;
        return new(packet.Marker, packet.PayloadType, packet.SequenceNumber, packet.Timestamp, packet.Ssrc, offset, packet.Payload.Length);
    }

    public RtpPacket ToPacket(byte[] buffer) => new()
    {
        Marker = Marker,
        PayloadType = PayloadType,
        SequenceNumber = SequenceNumber,
        Timestamp = Timestamp,
        Ssrc = Ssrc,
        Payload = buffer.AsSpan(PayloadOffset, PayloadLength),
    };
}
