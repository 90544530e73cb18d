namespace LiveMux.Media.Rtp;

/// <summary>The RTP fields a packetizer owns for one outgoing stream, and how big its payloads may be.</summary>
public sealed record RtpPacketizerOptions
{
    /// <summary>A payload under this cannot hold an H.265 FU header and one byte of its NAL unit.</summary>
    public const int MinMaxPayloadSize = 4;

    public byte PayloadType { get; init; } = 96;

    public uint Ssrc { get; init; }

    /// <summary>Sequence number of the first packet; later packets count on from it, wrapping at 2^16.</summary>
    public ushort InitialSequenceNumber { get; init; }

    /// <summary>Added to each unit's timestamp (modulo 2^32); RFC 3550 5.1 wants it random.</summary>
    public uint InitialTimestamp { get; init; }

    /// <summary>Largest RTP payload, header excluded: the path MTU minus IP, UDP and RTP headers.</summary>
    public int MaxPayloadSize { get; init; } = 1200;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PayloadType, (byte)127, nameof(PayloadType));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPayloadSize, MinMaxPayloadSize, nameof(MaxPayloadSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxPayloadSize, ushort.MaxValue - RtpPacketizer.HeaderSize, nameof(MaxPayloadSize));
    }
}
