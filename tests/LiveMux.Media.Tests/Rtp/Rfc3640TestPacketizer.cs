using LiveMux.Media.Tests.Bits;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// Test-side RFC 3640 packetizer written from section 3.2, independent of the depacketizer: AU-headers-length
/// in bits, then per AU its size and index (first) or index-delta (others), padded to a byte, then the AUs.
/// Packs up to <c>perPacket</c> AUs into a packet; an AU bigger than <c>maxData</c> is fragmented with its
/// header (whole size) repeated in every fragment and the marker on the last.
/// </summary>
internal static class Rfc3640TestPacketizer
{
    public static List<byte[]> Packetize(IReadOnlyList<byte[]> units, int frameTicks, int perPacket, int maxData = 1400,
        int sizeLength = 13, int indexLength = 3, int indexDeltaLength = 3, ushort firstSequence = 1000, uint firstTimestamp = 0)
    {
        var packets = new List<byte[]>();
        var sequence = firstSequence;
        for (var i = 0; i < units.Count;)
        {
            var timestamp = unchecked(firstTimestamp + (uint)(i * frameTicks));
            if (units[i].Length > maxData)
            {
                var au = units[i];
                for (var offset = 0; offset < au.Length; offset += maxData)
                {
                    var piece = au.AsSpan(offset, Math.Min(maxData, au.Length - offset));
                    var last = offset + maxData >= au.Length;
                    packets.Add(TestRtp.Packet(sequence++, timestamp, last, [.. Headers([au.Length], sizeLength, indexLength, indexDeltaLength), .. piece]));
                }

                i++;
                continue;
            }

            var group = new List<byte[]>();
            while (i < units.Count && group.Count < perPacket && units[i].Length <= maxData
                   && group.Sum(u => u.Length) + units[i].Length <= maxData)
            {
                group.Add(units[i++]);
            }

            packets.Add(TestRtp.Packet(sequence++, timestamp, true,
                [.. Headers(group.Select(u => u.Length).ToList(), sizeLength, indexLength, indexDeltaLength), .. group.SelectMany(u => u)]));
        }

        return packets;
    }

    public static byte[] Headers(IReadOnlyList<int> sizes, int sizeLength = 13, int indexLength = 3, int indexDeltaLength = 3)
    {
        var bits = new TestBitWriter();
        for (var i = 0; i < sizes.Count; i++)
        {
            bits.Bits((ulong)sizes[i], sizeLength).Bits(0, i == 0 ? indexLength : indexDeltaLength);
        }

        var headerBits = bits.BitCount;
        while (bits.BitCount % 8 != 0)
        {
            bits.Bit(false);
        }

        return [(byte)(headerBits >> 8), (byte)headerBits, .. bits.ToArray()];
    }
}
