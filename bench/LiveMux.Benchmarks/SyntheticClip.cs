using System.Buffers.Binary;

namespace LiveMux.Benchmarks;

/// <summary>
/// A recorded-style RTP sequence for one GOP, built once: realistic sizes (a 40 KB IDR with SPS/PPS, then
/// 8 KB P frames) packetized per RFC 6184 at MTU 1400 (STAP-A for SPS+PPS, FU-A for slices). Sequence numbers
/// and timestamps are patched in place on replay so the depacketizer sees one endless, gap-free stream.
/// </summary>
internal sealed class SyntheticClip
{
    public const int Mtu = 1400;
    public const uint FrameTicks = 3000;

    // x264 baseline 320x240 (see tests/LiveMux.Media.Tests/Codecs/H264/SpsSamples.cs).
    public static readonly byte[] Sps = Convert.FromHexString("6742c00dd90141fb0110000003001000000303c0f142a480");
    public static readonly byte[] Pps = Convert.FromHexString("68cb83cb20");

    private ushort _sequence;
    private uint _timestamp = 0xFFF00000; // wraps during long runs

    public SyntheticClip(int gop, int idrBytes, int pBytes)
    {
        var random = new Random(42);
        Frames = new byte[gop][][];
        for (var f = 0; f < gop; f++)
        {
            var packets = new List<byte[]>();
            var slice = new byte[f == 0 ? idrBytes : pBytes];
            random.NextBytes(slice);
            slice[0] = f == 0 ? (byte)0x65 : (byte)0x41;
            slice[1] = 0x88; // first_mb_in_slice 0
            if (f == 0)
            {
                var stap = new byte[1 + 2 + Sps.Length + 2 + Pps.Length];
                stap[0] = 0x78;
                BinaryPrimitives.WriteUInt16BigEndian(stap.AsSpan(1), (ushort)Sps.Length);
                Sps.CopyTo(stap, 3);
                BinaryPrimitives.WriteUInt16BigEndian(stap.AsSpan(3 + Sps.Length), (ushort)Pps.Length);
                Pps.CopyTo(stap, 5 + Sps.Length);
                packets.Add(Packet(stap));
            }

            for (var offset = 1; offset < slice.Length; offset += Mtu - 2)
            {
                var length = Math.Min(Mtu - 2, slice.Length - offset);
                var fu = new byte[2 + length];
                fu[0] = (byte)((slice[0] & 0xE0) | 28);
                fu[1] = (byte)((offset == 1 ? 0x80 : 0) | (offset + length == slice.Length ? 0x40 : 0) | (slice[0] & 0x1F));
                slice.AsSpan(offset, length).CopyTo(fu.AsSpan(2));
                packets.Add(Packet(fu));
            }

            packets[^1][1] |= 0x80; // marker on the frame's last packet
            Frames[f] = [.. packets];
        }
    }

    /// <summary>RTP packets (12-byte header + payload) per frame.</summary>
    public byte[][][] Frames { get; }

    public int LargestFrameBytes => Frames.Max(f => f.Sum(p => p.Length));

    /// <summary>Gives the frame's packets the next sequence numbers and timestamp, in place.</summary>
    public byte[][] Next(int frame)
    {
        var packets = Frames[frame];
        foreach (var packet in packets)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), _sequence++);
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), _timestamp);
        }

        _timestamp += FrameTicks;
        return packets;
    }

    private static byte[] Packet(byte[] payload)
    {
        var packet = new byte[12 + payload.Length];
        packet[0] = 0x80;
        packet[1] = 96;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x11223344);
        payload.CopyTo(packet, 12);
        return packet;
    }
}
