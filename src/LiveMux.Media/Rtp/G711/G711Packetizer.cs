namespace LiveMux.Media.Rtp.G711;

/// <summary>
/// RFC 3551 section 4.5.14 PCMA/PCMU packetizer: one 8-bit code per sample, channels interleaved (4.1).
/// <code>
///  [RTP header][code(t) code(t+1) ...]      timestamp = the first sample's, one tick per sample
/// </code>
/// A unit longer than a packet is cut at whole samples (all channels of a sample stay together), each piece
/// stamped with its own first sample. The marker is set on the first packet only, the start of a talkspurt.
/// </summary>
public sealed class G711Packetizer : RtpPacketizer
{
    private readonly int _channels;
    private bool _started;

    public G711Packetizer(RtpPacketizerOptions options, int channels)
        : base(options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, options.MaxPayloadSize);
        _channels = channels;
    }

    public override PacketizeStatus Packetize<TState>(ReadOnlySpan<byte> accessUnit, long timestamp, RtpPacketSink<TState> sink, TState state)
    {
        if (accessUnit.IsEmpty)
        {
            return PacketizeStatus.EmptyAccessUnit;
        }

        if (accessUnit.Length % _channels != 0)
        {
            return PacketizeStatus.Malformed;
        }

        var chunk = MaxPayloadSize / _channels * _channels;
        for (var offset = 0; offset < accessUnit.Length; offset += chunk)
        {
            var length = Math.Min(chunk, accessUnit.Length - offset);
            accessUnit.Slice(offset, length).CopyTo(Payload);
            Send(length, marker: !_started, RtpTimestamp(timestamp + (offset / _channels)), sink, state);
            _started = true;
        }

        return PacketizeStatus.Done;
    }
}
