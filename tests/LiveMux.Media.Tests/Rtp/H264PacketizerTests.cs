using System.Buffers.Binary;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// The production RFC 6184 packetizer's exact packets: where single NAL unit packets end and FU-A begins, the
/// FU-A and STAP-A header bits, the RTP header fields, and the parameter sets in front of a keyframe.
/// <see cref="PacketizerRoundTripTests"/> checks that what it writes reads back; this checks how it is written.
/// </summary>
public sealed class H264PacketizerTests
{
    private static readonly byte[] Sps = [0x67, 0x4D, 0x40, 0x1E, 0x9A, 0x66];
    private static readonly byte[] Pps = [0x68, 0xEE, 0x3C, 0x80];

    // NAL size, max payload -> payload size of each packet ("S" = one single NAL unit packet, else FU-A)
    public static TheoryData<int, int, string> Sizes => new()
    {
        { 1, 1200, "S1" },
        { 1199, 1200, "S1199" },
        { 1200, 1200, "S1200" },                // exactly the budget: still a single NAL unit packet
        { 1201, 1200, "1200,4" },               // 1200 body bytes: 1198 + 2, each plus 2 bytes FU-A overhead
        { 2397, 1200, "1200,1200" },            // body 2396 = 2 x 1198
        { 2398, 1200, "1200,1200,3" },
        { 9744, 1200, "1200,1200,1200,1200,1200,1200,1200,1200,161" },
        { 10, RtpPacketizerOptions.MinMaxPayloadSize, "4,4,4,4,3" }, // smallest budget: two NAL bytes per fragment
        { 4, 4, "S4" },
        { 5, 4, "4,4" },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Splits_a_nal_unit_by_size(int nalSize, int maxPayload, string expectedPayloads)
    {
        var nal = MakeNal(nalSize, nri: 0x60, type: 5);
        var packets = Packetize([nal], maxPayload, parameterSets: []);

        var single = expectedPayloads.StartsWith('S');
        var payloads = expectedPayloads.TrimStart('S').Split(',').Select(int.Parse).ToArray();
        Assert.Equal(payloads, packets.Select(p => p.Length - RtpPacketizer.HeaderSize).ToArray());
        for (var i = 0; i < packets.Count; i++)
        {
            var p = packets[i];
            Assert.Equal(0x80, p[0]);                                            // V=2, no P/X/CC
            Assert.Equal(96, p[1] & 0x7F);
            Assert.Equal(i == packets.Count - 1, (p[1] & 0x80) != 0);           // marker on the last packet only
            Assert.Equal((ushort)(65534 + i), BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2))); // wraps at 2^16
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
    public void Only_the_last_packet_of_the_access_unit_has_the_marker()
    {
        // A fragmented NAL unit, then one that goes alone: the first one's packets, its last included, have none.
        var packets = Packetize([MakeNal(5000, 0x60, 1), MakeNal(1100, 0x40, 1)], 1200, []);
        Assert.Equal([false, false, false, false, false, true], packets.Select(p => (p[1] & 0x80) != 0));
        Assert.Equal([28, 28, 28, 28, 28, 1], packets.Select(p => p[12] & 0x1F));
    }

    // STAP-A header (RFC 6184 5.7): F is set when any aggregated unit's F is, NRI is the highest of theirs.
    [Theory]
    [InlineData(new[] { 0x06, 0x41 }, 0x40 | 24)]
    [InlineData(new[] { 0x06, 0x21, 0x61 }, 0x60 | 24)]
    [InlineData(new[] { 0x86, 0x01 }, 0x80 | 24)]
    public void An_aggregation_packet_takes_the_highest_nri_and_any_f_bit(int[] headers, int expectedHeader)
    {
        var nals = headers.Select(h => MakeNal(50, h & 0xE0, h & 0x1F)).ToArray();
        var packet = Assert.Single(Packetize(nals, 1200, []));
        Assert.Equal(expectedHeader, packet[12]);

        // The aggregated units follow, each behind its 16-bit size.
        var at = 13;
        foreach (var nal in nals)
        {
            Assert.Equal(nal.Length, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(at)));
            Assert.Equal(nal, packet.AsSpan(at + 2, nal.Length).ToArray());
            at += 2 + nal.Length;
        }

        Assert.Equal(packet.Length, at);
    }

    // NAL unit types of the access unit -> NAL unit types sent, in order (the format's SPS/PPS when a keyframe lacks them).
    [Theory]
    [InlineData("5", "7,8,5")]
    [InlineData("6,5", "7,8,6,5")]
    [InlineData("7,8,5", "7,8,5")]   // in-band parameter sets are not sent twice
    [InlineData("8,5", "8,5")]       // a unit that carries either is left as it is
    [InlineData("1", "1")]
    [InlineData("6,1", "6,1")]
    public void A_keyframe_without_parameter_sets_gets_the_formats_in_front(string types, string expected)
    {
        var nals = types.Split(',').Select(t => MakeNal(20, 0x60, int.Parse(t))).ToArray();
        var sent = new List<int>();
        foreach (var packet in Packetize(nals, 1200, [Sps, Pps]))
        {
            sent.AddRange((packet[12] & 0x1F) == 24 ? AggregatedTypes(packet) : [packet[12] & 0x1F]);
        }

        Assert.Equal(expected, string.Join(',', sent));
    }

    [Fact]
    public void An_empty_access_unit_sends_nothing()
    {
        var packetizer = new H264Packetizer(new RtpPacketizerOptions(), [Sps, Pps]);
        var sent = new int[1];
        Assert.Equal(PacketizeStatus.EmptyAccessUnit, packetizer.Packetize([], 0, static (_, s) => s[0]++, sent));
        Assert.Equal(0, sent[0]);
        Assert.Equal(0, packetizer.NextSequenceNumber);
    }

    [Theory]
    [InlineData(128, 1200)]
    [InlineData(96, RtpPacketizerOptions.MinMaxPayloadSize - 1)]
    [InlineData(96, ushort.MaxValue)]
    public void Refuses_options_it_cannot_packetize_with(int payloadType, int maxPayload) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new H264Packetizer(new RtpPacketizerOptions { PayloadType = (byte)payloadType, MaxPayloadSize = maxPayload }, []));

    private static List<byte[]> Packetize(byte[][] nals, int maxPayload, byte[][] parameterSets)
    {
        var unit = new byte[nals.Sum(n => 4 + n.Length)];
        var at = 0;
        foreach (var nal in nals)
        {
            BinaryPrimitives.WriteInt32BigEndian(unit.AsSpan(at), nal.Length);
            nal.CopyTo(unit, at + 4);
            at += 4 + nal.Length;
        }

        var options = new RtpPacketizerOptions
        {
            PayloadType = 96, Ssrc = 0x1234ABCD, InitialSequenceNumber = 65534, InitialTimestamp = 0xFFFFF000, MaxPayloadSize = maxPayload,
        };
        var packets = new List<byte[]>();
        Assert.Equal(PacketizeStatus.Done,
            new H264Packetizer(options, parameterSets).Packetize(unit, 0, static (p, list) => list.Add(p.ToArray()), packets));
        return packets;
    }

    private static IEnumerable<int> AggregatedTypes(byte[] packet)
    {
        for (var at = 13; at < packet.Length; at += 2 + BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(at)))
        {
            yield return packet[at + 2] & 0x1F;
        }
    }

    // Independent of the packetizer: RFC 6184 5.8 reassembly, NAL header = F|NRI from the indicator + type from the FU header.
    private static byte[] ReassembleFuA(List<byte[]> packets)
    {
        var nal = new List<byte> { (byte)((packets[0][12] & 0xE0) | (packets[0][13] & 0x1F)) };
        foreach (var p in packets)
        {
            nal.AddRange(p[14..]);
        }

        return nal.ToArray();
    }

    private static byte[] MakeNal(int size, int nri, int type)
    {
        var nal = new byte[size];
        nal[0] = (byte)(nri | type);
        for (var i = 1; i < size; i++)
        {
            nal[i] = (byte)((i * 31) + (i >> 8));
        }

        return nal;
    }
}
