namespace LiveMux.Media.Rtp.Mpeg4Audio;

/// <summary>
/// RFC 6416 section 6 (MP4A-LATM, cpresent=0) packetizer: one AudioMuxElement of one AU per packet.
/// <code>
///  [RTP header][PayloadLengthInfo][PayloadMux]       PayloadLengthInfo = 0xFF x (length / 255), length % 255
/// </code>
/// An element bigger than a packet is fragmented (6.1.1): the pieces share the timestamp, the marker is set on
/// the last.
/// </summary>
public sealed class LatmPacketizer(RtpPacketizerOptions options) : RtpPacketizer(options)
{
    public override PacketizeStatus Packetize<TState>(ReadOnlySpan<byte> accessUnit, long timestamp, RtpPacketSink<TState> sink, TState state)
    {
        if (accessUnit.IsEmpty)
        {
            return PacketizeStatus.EmptyAccessUnit;
        }

        var rtpTimestamp = RtpTimestamp(timestamp);
        var payload = Payload;
        var lengthBytes = (accessUnit.Length / 255) + 1;
        var total = lengthBytes + accessUnit.Length;
        var written = 0;
        var offset = 0;
        while (written < total)
        {
            var used = 0;
            // The length info may itself span packets when the MTU is tiny.
            for (; written < lengthBytes && used < payload.Length; written++, used++)
            {
                payload[used] = written < lengthBytes - 1 ? (byte)0xFF : (byte)(accessUnit.Length % 255);
            }

            var length = Math.Min(payload.Length - used, accessUnit.Length - offset);
            accessUnit.Slice(offset, length).CopyTo(payload[used..]);
            offset += length;
            written += length;
            Send(used + length, written == total, rtpTimestamp, sink, state);
        }

        return PacketizeStatus.Done;
    }
}
