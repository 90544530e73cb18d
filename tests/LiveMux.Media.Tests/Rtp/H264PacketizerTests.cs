using System.Buffers.Binary;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;

namespace LiveMux.Media.Tests.Rtp;

public sealed class H264PacketizerTests
{
    private static readonly H264Packetizer.HeaderFields Header = new(96, 65534, 0xFFFFF000, 0x1234ABCD);

    // NAL size, max payload -> packets, payload size of each packet ("S"=single NAL, else FU-A)
    public static TheoryData<int, int, int, string> Sizes => new()
    {
        { 1, 1200, 1, "S1" },
        { 1199, 1200, 1, "S1199" },
        { 1200, 1200, 1, "S1200" },             // exactly the budget: still a single NAL unit packet
        { 1201, 1200, 2, "1200,4" },            // 1200 body bytes: 1198 + 2, each plus 2 bytes FU-A overhead
        { 2397, 1200, 2, "1200,1200" },         // body 2396 = 2 x 1198
        { 2398, 1200, 3, "1200,1200,3" },
        { 9744, 1200, 9, "1200,1200,1200,1200,1200,1200,1200,1200,161" },
        { 10, 3, 9, "3,3,3,3,3,3,3,3,3" },      // smallest legal budget: one NAL byte per fragment
        { 4, 4, 1, "S4" },
        { 5, 4, 2, "4,4" },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Splits_nal_units_by_size(int nalSize, int maxPayload, int expectedCount, string expectedPayloads)
    {
        byte[] nal = MakeNal(nalSize, nri: 0x60, type: 5);
        Assert.Equal(expectedCount, H264Packetizer.GetPacketCount(nalSize, maxPayload));

        List<byte[]> packets = PacketizeAll(nal, lastNalOfAccessUnit: true, maxPayload);
        Assert.Equal(expectedCount, packets.Count);
        Assert.Equal(H264Packetizer.GetPacketizedSize(nalSize, maxPayload), packets.Sum(p => p.Length));

        bool single = expectedPayloads.StartsWith('S');
        int[] payloads = expectedPayloads.TrimStart('S').Split(',').Select(int.Parse).ToArray();
        Assert.Equal(payloads, packets.Select(p => p.Length - H264Packetizer.RtpHeaderSize).ToArray());

        for (int i = 0; i < packets.Count; i++)
        {
            byte[] p = packets[i];
            Assert.Equal(0x80, p[0]);                                            // V=2, no P/X/CC
            Assert.Equal(96, p[1] & 0x7F);
            Assert.Equal(i == packets.Count - 1, (p[1] & 0x80) != 0);           // marker on the last packet only
            Assert.Equal((ushort)(65534 + i), BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)));
            Assert.Equal(0xFFFFF000u, BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(4)));
            Assert.Equal(0x1234ABCDu, BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(8)));
            if (single)
            {
                Assert.Equal(nal, p[12..]);
                continue;
            }

            Assert.Equal(0x60 | 28, p[12]);                                      // FU indicator keeps NRI
            Assert.Equal(i == 0, (p[13] & 0x80) != 0);                           // S
            Assert.Equal(i == packets.Count - 1, (p[13] & 0x40) != 0);          // E
            Assert.Equal(0, p[13] & 0x20);                                       // R
            Assert.Equal(5, p[13] & 0x1F);
        }

        if (!single)
        {
            Assert.Equal(nal, ReassembleFuA(packets));
        }
    }

    [Fact]
    public void No_marker_when_the_nal_unit_is_not_the_last_of_its_access_unit()
    {
        foreach (int size in new[] { 100, 5000 })
        {
            List<byte[]> packets = PacketizeAll(MakeNal(size, 0x60, 7), lastNalOfAccessUnit: false, 1200);
            Assert.All(packets, p => Assert.Equal(0, p[1] & 0x80));
        }
    }

    [Theory]
    [InlineData(0, 1200, 0, H264Packetizer.Status.EmptyNalUnit)]
    [InlineData(10, 2, 0, H264Packetizer.Status.MaxPayloadTooSmall)]
    [InlineData(10, 1200, 1, H264Packetizer.Status.PacketIndexOutOfRange)]
    [InlineData(10, 1200, -1, H264Packetizer.Status.PacketIndexOutOfRange)]
    public void Rejects_bad_arguments_with_a_reason(int nalSize, int maxPayload, int index, H264Packetizer.Status expected)
    {
        byte[] nal = MakeNal(nalSize, 0x60, 1);
        var dest = new byte[2000];
        Assert.Equal(expected, H264Packetizer.WritePacket(nal, index, Header, true, dest, out int written, maxPayload));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Rejects_a_payload_type_above_127_and_a_small_destination()
    {
        byte[] nal = MakeNal(100, 0x60, 1);
        var dest = new byte[2000];
        Assert.Equal(H264Packetizer.Status.InvalidPayloadType,
            H264Packetizer.WritePacket(nal, 0, Header with { PayloadType = 128 }, true, dest, out _));
        Assert.Equal(H264Packetizer.Status.DestinationTooSmall,
            H264Packetizer.WritePacket(nal, 0, Header, true, dest.AsSpan(0, 111), out int w));
        Assert.Equal(0, w);
        Assert.Equal(H264Packetizer.Status.Done,
            H264Packetizer.WritePacket(nal, 0, Header, true, dest.AsSpan(0, 112), out w));
        Assert.Equal(112, w);
    }

    [Fact]
    public void Packetize_reports_the_same_packets_as_WritePacket()
    {
        byte[] nal = MakeNal(5000, 0x40, 5);
        var viaSink = new List<byte[]>();
        var scratch = new byte[H264Packetizer.RtpHeaderSize + 1200];
        H264Packetizer.Status status = H264Packetizer.Packetize(
            nal, Header, true, scratch, static (p, list) => list.Add(p.ToArray()), viaSink, out int count);
        Assert.Equal(H264Packetizer.Status.Done, status);
        Assert.Equal(5, count);
        Assert.Equal(PacketizeAll(nal, true, 1200), viaSink);
        Assert.Equal(H264Packetizer.Status.DestinationTooSmall, H264Packetizer.Packetize(
            nal, Header, true, scratch.AsSpan(0, 1000), static (_, _) => { }, 0, out count));
        Assert.Equal(0, count);
    }

    private static List<byte[]> PacketizeAll(byte[] nal, bool lastNalOfAccessUnit, int maxPayload)
    {
        var packets = new List<byte[]>();
        var dest = new byte[H264Packetizer.RtpHeaderSize + maxPayload];
        int count = H264Packetizer.GetPacketCount(nal.Length, maxPayload);
        for (int i = 0; i < count; i++)
        {
            var h = Header with { SequenceNumber = unchecked((ushort)(Header.SequenceNumber + i)) };
            Assert.Equal(H264Packetizer.Status.Done,
                H264Packetizer.WritePacket(nal, i, h, lastNalOfAccessUnit, dest, out int written, maxPayload));
            packets.Add(dest[..written]);
        }

        return packets;
    }

    // Independent of the packetizer: RFC 6184 5.8 reassembly, NAL header = F|NRI from the indicator + type from the FU header.
    private static byte[] ReassembleFuA(List<byte[]> packets)
    {
        var nal = new List<byte> { (byte)((packets[0][12] & 0xE0) | (packets[0][13] & 0x1F)) };
        foreach (byte[] p in packets)
        {
            nal.AddRange(p[14..]);
        }

        return nal.ToArray();
    }

    private static byte[] MakeNal(int size, int nri, int type)
    {
        var nal = new byte[size];
        if (size == 0)
        {
            return nal;
        }

        nal[0] = (byte)(nri | type);
        for (int i = 1; i < size; i++)
        {
            nal[i] = (byte)((i * 31) + (i >> 8));
        }

        return nal;
    }
}
