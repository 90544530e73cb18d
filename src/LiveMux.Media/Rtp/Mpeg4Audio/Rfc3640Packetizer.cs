using System.Buffers.Binary;

namespace LiveMux.Media.Rtp.Mpeg4Audio;

/// <summary>
/// RFC 3640 (mpeg4-generic) packetizer, one AU per packet, for the AAC-hbr and AAC-lbr modes and any other
/// whose AU headers hold only AU-size and AU-index (section 3.2.1):
/// <code>
///  +---------+-----------+-----------+---------------+
///  | RTP     | AU Header | Auxiliary | Access Unit   |
///  | Header  | Section   | Section   | Data Section  |    (no auxiliary section here)
///  +---------+-----------+-----------+---------------+
///  AU Header Section:  AU-headers-length(16, in bits) | AU-size(sizeLength) AU-index(indexLength)=0 | pad to byte
/// </code>
/// An AU too big for one packet is fragmented (3.2.3): each fragment repeats the header with the size of the
/// whole AU, all carry its timestamp and the marker is set on the last. One AU per packet costs a few bytes of
/// header per AU but never holds an AU back waiting for the next.
/// </summary>
public sealed class Rfc3640Packetizer : RtpPacketizer
{
    private const int HeadersLengthField = 2;

    private readonly int _sizeLength;
    private readonly int _headerBits;
    private readonly int _headerSectionBytes;
    private readonly bool _hasHeaders;

    public Rfc3640Packetizer(RtpPacketizerOptions options, Rfc3640Parameters parameters)
        : base(options)
    {
        if (parameters.CtsDeltaLength > 0 || parameters.DtsDeltaLength > 0 || parameters.RandomAccessIndication
            || parameters.StreamStateIndication > 0 || parameters.AuxiliaryDataSizeLength > 0
            || (parameters.HasAuHeaders && parameters.SizeLength == 0) || parameters.SizeLength > 16 || parameters.IndexLength > 16)
        {
            throw new NotSupportedException("only AU headers of AU-size and AU-index (at most 16 bits each) are written");
        }

        _sizeLength = parameters.SizeLength;
        _hasHeaders = parameters.HasAuHeaders;
        _headerBits = parameters.SizeLength + parameters.IndexLength;
        _headerSectionBytes = _hasHeaders ? HeadersLengthField + ((_headerBits + 7) / 8) : 0;
        if (MaxPayloadSize <= _headerSectionBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "the payload cannot hold the AU header section");
        }
    }

    public override PacketizeStatus Packetize<TState>(ReadOnlySpan<byte> accessUnit, long timestamp, RtpPacketSink<TState> sink, TState state)
    {
        if (accessUnit.IsEmpty)
        {
            return PacketizeStatus.EmptyAccessUnit;
        }

        var chunk = MaxPayloadSize - _headerSectionBytes;
        if ((_hasHeaders && accessUnit.Length >= 1 << _sizeLength) || (!_hasHeaders && accessUnit.Length > chunk))
        {
            return PacketizeStatus.TooLarge;
        }

        var payload = Payload;
        if (_hasHeaders)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)_headerBits);
            // AU-size in the top bits, AU-index 0 after it, then padding: all left-aligned in 32 bits.
            var header = (uint)accessUnit.Length << (32 - _sizeLength);
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, header);
            bytes[..(_headerSectionBytes - HeadersLengthField)].CopyTo(payload[HeadersLengthField..]);
        }

        var rtpTimestamp = RtpTimestamp(timestamp);
        for (var offset = 0; offset < accessUnit.Length; offset += chunk)
        {
            var length = Math.Min(chunk, accessUnit.Length - offset);
            accessUnit.Slice(offset, length).CopyTo(payload[_headerSectionBytes..]);
            Send(_headerSectionBytes + length, offset + length == accessUnit.Length, rtpTimestamp, sink, state);
        }

        return PacketizeStatus.Done;
    }
}
