using System.Buffers.Binary;

namespace LiveMux.Media.Rtp;

/// <summary>Receives one complete RTP packet; the span is only valid during the call.</summary>
public delegate void RtpPacketSink<in TState>(ReadOnlySpan<byte> packet, TState state);

public enum PacketizeStatus
{
    Done,
    EmptyAccessUnit,

    /// <summary>The unit is not in the form the format's depacketizer hands out (a bad NAL length prefix).</summary>
    Malformed,

    /// <summary>The payload format cannot split the unit and it does not fit one packet (Opus, RFC 7587 4.2).</summary>
    TooLarge,
}

/// <summary>
/// What every packetizer shares: one packet buffer, the RFC 3550 section 5.1 fixed header and the sequence
/// numbers, which run on across access units.
/// <code>
///   0                   1                   2                   3
///   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
///  |                           timestamp                           |
///  |           synchronization source (SSRC) identifier            |
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  | payload (at most MaxPayloadSize bytes) ...                    |
/// </code>
/// A packetizer takes access units in the form its format's depacketizer hands them out, so the two round-trip.
/// It allocates nothing per unit; it is not thread-safe (one per outgoing stream).
/// </summary>
public abstract class RtpPacketizer
{
    public const int HeaderSize = 12;

    private readonly byte[] _packet;
    private readonly RtpPacketizerOptions _options;
    private ushort _sequence;

    protected RtpPacketizer(RtpPacketizerOptions options)
    {
        options.Validate();
        _options = options;
        _packet = new byte[HeaderSize + options.MaxPayloadSize];
        _sequence = options.InitialSequenceNumber;
    }

    public int MaxPayloadSize => _options.MaxPayloadSize;

    /// <summary>The sequence number the next packet will carry.</summary>
    public ushort NextSequenceNumber => _sequence;

    /// <summary>
    /// Sends one access unit as RTP packets, in order, to <paramref name="sink"/>. <paramref name="timestamp"/> is
    /// in the track's clock (as <see cref="AccessUnit.Timestamp"/>); the initial timestamp is added to it.
    /// </summary>
    public abstract PacketizeStatus Packetize<TState>(ReadOnlySpan<byte> accessUnit, long timestamp, RtpPacketSink<TState> sink, TState state);

    /// <summary>The payload area of the packet buffer, <see cref="MaxPayloadSize"/> bytes.</summary>
    protected Span<byte> Payload => _packet.AsSpan(HeaderSize);

    protected uint RtpTimestamp(long timestamp) => unchecked((uint)(_options.InitialTimestamp + timestamp));

    /// <summary>Writes the header in front of <paramref name="payloadLength"/> bytes of <see cref="Payload"/> and sends the packet.</summary>
    protected void Send<TState>(int payloadLength, bool marker, uint rtpTimestamp, RtpPacketSink<TState> sink, TState state)
    {
        var packet = _packet.AsSpan(0, HeaderSize + payloadLength);
        packet[0] = 0x80; // V=2, P=0, X=0, CC=0
        packet[1] = (byte)((marker ? 0x80 : 0) | _options.PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], _sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], _options.Ssrc);
        _sequence = unchecked((ushort)(_sequence + 1));
        sink(packet, state);
    }
}
