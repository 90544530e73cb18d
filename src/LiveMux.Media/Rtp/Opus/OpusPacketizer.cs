namespace LiveMux.Media.Rtp.Opus;

/// <summary>
/// RFC 7587 section 4.2 packetizer: the payload is exactly one Opus packet, never split nor combined.
/// <code>
///  [RTP header][TOC | frames ...]       timestamp in 48 kHz ticks whatever the coded rate (4.1)
/// </code>
/// The marker is set on the first packet only, the start of a talkspurt (RFC 3551 4.1); without DTX the
/// stream is one talkspurt.
/// </summary>
public sealed class OpusPacketizer(RtpPacketizerOptions options) : RtpPacketizer(options)
{
    private bool _started;

    public override PacketizeStatus Packetize<TState>(ReadOnlySpan<byte> accessUnit, long timestamp, RtpPacketSink<TState> sink, TState state)
    {
        if (accessUnit.IsEmpty)
        {
            return PacketizeStatus.EmptyAccessUnit;
        }

        if (accessUnit.Length > MaxPayloadSize)
        {
            return PacketizeStatus.TooLarge;
        }

        accessUnit.CopyTo(Payload);
        Send(accessUnit.Length, marker: !_started, RtpTimestamp(timestamp), sink, state);
        _started = true;
        return PacketizeStatus.Done;
    }
}
