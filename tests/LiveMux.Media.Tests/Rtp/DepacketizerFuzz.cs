using LiveMux.Media.Rtp;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// Random packets with plausible payload types, sequence jumps and timestamp steps pushed through a NAL
/// depacketizer: nothing may throw, and whatever comes out must be well formed and within the limits.
/// </summary>
internal static class DepacketizerFuzz
{
    /// <param name="withType">Sets a NAL or packet type into a random first payload byte.</param>
    public static void Run(NalDepacketizer depacketizer, NalDepacketizerOptions max, int seed, byte[] types, Func<byte, byte, byte> withType)
    {
        var random = new Random(seed);
        ushort sequence = 100;
        uint timestamp = 0xFFFF0000;
        var counts = new Dictionary<DepacketizeStatus, int>();

        for (var i = 0; i < 10_000; i++)
        {
            var payload = new byte[random.Next(0, 1500)];
            random.NextBytes(payload);
            if (payload.Length > 0)
            {
                payload[0] = withType(payload[0], types[random.Next(types.Length)]);
            }

            sequence = random.Next(20) == 0 ? (ushort)random.Next(65536) : unchecked((ushort)(sequence + 1));
            if (random.Next(4) == 0)
            {
                timestamp = unchecked(timestamp + (uint)random.Next(-3000, 9000));
            }

            var data = RtpPacketTests.Build(0, -1, 0, random.Next(3) == 0, sequence, timestamp, 7, 96, payload);
            Assert.Equal(RtpParseStatus.Ok, RtpPacket.TryParse(data, out var packet));
            var status = depacketizer.Push(packet, out var unit);
            counts[status] = counts.GetValueOrDefault(status) + 1;
            if (status == DepacketizeStatus.AccessUnit)
            {
                Assert.InRange(unit.Length, 1, max.MaxAccessUnitBytes);
                var nals = H264DepacketizerRoundTripTests.NalOffsets(unit.Data.ToArray());
                Assert.InRange(nals.Count, 1, max.MaxNalUnitsPerAccessUnit);
                unit.Dispose();
            }
            else
            {
                Assert.Equal(0, unit.Length);
                Assert.Equal(status == DepacketizeStatus.Dropped, depacketizer.LastDropReason != DropReason.None);
            }
        }

        // The fuzz must reach all three outcomes, or it tests nothing.
        Assert.True(counts.GetValueOrDefault(DepacketizeStatus.AccessUnit) > 10, string.Join(", ", counts));
        Assert.True(counts.GetValueOrDefault(DepacketizeStatus.Dropped) > 100);
        Assert.True(counts.GetValueOrDefault(DepacketizeStatus.NeedMore) > 100);
    }
}
