using System.Buffers.Binary;
using LiveMux.Media.Codecs.Flac;
using LiveMux.Media.Rtp;

namespace LiveMux.Benchmarks;

/// <summary>
/// A fixed RTP packet sequence replayed for ever: each packet's sequence number is rewritten (gap-free) and its
/// timestamp moved on by the sequence's span per pass, in place, so a depacketizer sees one endless stream. Both the floor
/// and the measured benchmark pay for the rewrite.
/// </summary>
internal sealed class RtpReplay
{
    private readonly byte[][] _packets;
    private readonly uint[] _timestamps;
    private readonly uint _span;
    private ushort _sequence;
    private uint _offset;
    private int _cursor;
    private byte[]? _flacOut;

    /// <param name="packets">RTP packets (12-byte header, no CSRC or extension), in order.</param>
    /// <param name="span">How far the timestamps move per pass: the sequence's duration in clock ticks.</param>
    public RtpReplay(IReadOnlyList<byte[]> packets, uint span)
    {
        _packets = [.. packets];
        _timestamps = [.. _packets.Select(p => BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(4)))];
        _span = span;
        Buffer = new byte[_packets.Max(p => p.Length)];
    }

    public int Count => _packets.Length;

    /// <summary>A scratch buffer as large as the largest packet, for the floor's copy.</summary>
    public byte[] Buffer { get; }

    /// <summary>Builds a 12-byte-header RTP packet around a payload.</summary>
    public static byte[] Packet(ReadOnlySpan<byte> payload, byte payloadType, uint timestamp, bool marker)
    {
        var packet = new byte[12 + payload.Length];
        packet[0] = 0x80;
        packet[1] = (byte)(payloadType | (marker ? 0x80 : 0));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x11223344);
        payload.CopyTo(packet.AsSpan(12));
        return packet;
    }

    /// <summary>The floor: rewrite the headers of the next <paramref name="count"/> packets and copy each payload once.</summary>
    public int Copy(int count)
    {
        var bytes = 0;
        for (var i = 0; i < count; i++)
        {
            var packet = Next();
            packet.AsSpan(12).CopyTo(Buffer);
            bytes += packet.Length - 12;
        }

        return bytes;
    }

    /// <summary>The next <paramref name="count"/> packets through a depacketizer; returns the access units completed, disposed.</summary>
    public int Depacketize(IDepacketizer depacketizer, int count, G711ToFlac? flac = null)
    {
        var units = 0;
        for (var i = 0; i < count; i++)
        {
            if (RtpPacket.TryParse(Next(), out var packet) != RtpParseStatus.Ok)
            {
                throw new InvalidOperationException("bad packet");
            }

            var status = depacketizer.Push(packet, out var unit);
            if (status == DepacketizeStatus.Dropped)
            {
                throw new InvalidOperationException($"dropped: {depacketizer.LastDropReason}");
            }

            if (status == DepacketizeStatus.AccessUnit)
            {
                if (flac is not null)
                {
                    _flacOut ??= new byte[flac.MaxFrameBytes(unit.Length)];
                    flac.Encode(unit.Data, unit.Timestamp, _flacOut);
                }

                unit.Dispose();
                units++;
            }

            while (depacketizer.TryTakeNext(out var more))
            {
                more.Dispose();
                units++;
            }
        }

        return units;
    }

    private byte[] Next()
    {
        var packet = _packets[_cursor];
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), _sequence++);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), _timestamps[_cursor] + _offset);
        if (++_cursor == _packets.Length)
        {
            _cursor = 0;
            _offset += _span;
        }

        return packet;
    }
}
