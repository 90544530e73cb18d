using System.Buffers.Binary;
using LiveMux.Media.Mp4;

namespace LiveMux.LoadGen.Tests;

public sealed class FrameScannerTests
{
    /// <summary>An SEI NAL as rtsp_replay_camera.py writes it, emulation prevention included.</summary>
    internal static byte[] Sei(long epochUs, uint frame)
    {
        var payload = new byte[16 + 12];
        FrameClock.Uuid.CopyTo(payload);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(16), epochUs);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(24), frame);
        var rbsp = new List<byte> { 5, 28 };
        rbsp.AddRange(payload);
        rbsp.Add(0x80);
        var nal = new List<byte> { 0x06 };
        var zeros = 0;
        foreach (var b in rbsp)
        {
            if (zeros >= 2 && b <= 3)
            {
                nal.Add(3);
                zeros = 0;
            }

            nal.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return [.. nal];
    }

    [Theory]
    [InlineData(1_795_516_232_228_000L, 0u)]
    [InlineData(0x0000_0100_0000_0000L, 0x0000_0001u)] // zeros that need escapes inside the stamp
    [InlineData(0L, 0u)]
    [InlineData(long.MaxValue, uint.MaxValue)]
    public void A_stamp_reads_back_through_emulation_prevention(long epochUs, uint frame)
    {
        var sei = Sei(epochUs, frame);
        var at = sei.AsSpan().IndexOf(FrameClock.Uuid) + 16;
        Assert.True(FrameClock.TryReadStamp(sei.AsSpan(at), out var e, out var f));
        Assert.Equal((epochUs, frame), (e, f));
        Assert.False(FrameClock.TryReadStamp(sei.AsSpan(at, 11), out _, out _));
    }

    [Fact]
    public void Every_stamp_is_found_once_however_the_stream_is_cut()
    {
        var random = new Random(7);
        var stream = new List<byte>();
        var expected = new List<(long, uint)>();
        for (uint i = 0; i < 40; i++)
        {
            var filler = new byte[random.Next(0, 80)];
            random.NextBytes(filler);
            stream.AddRange(filler);
            var stamp = (i % 3 == 0 ? 0L : random.NextInt64(), i % 5 == 0 ? 0u : (uint)random.Next());
            expected.Add(stamp);
            stream.AddRange(Sei(stamp.Item1, stamp.Item2));
        }

        var bytes = stream.ToArray();
        foreach (var maxChunk in new[] { 1, 2, 7, 16, 17, 33, 34, 35, 60, 1000, bytes.Length })
        {
            var scanner = new FrameScanner();
            var found = new List<(long, uint)>();
            for (var at = 0; at < bytes.Length;)
            {
                var take = Math.Min(bytes.Length - at, random.Next(1, maxChunk + 1));
                scanner.Scan(bytes.AsSpan(at, take), (e, f) => found.Add((e, f)));
                at += take;
            }

            Assert.Equal(expected, found);
        }
    }

    [Fact]
    public void The_prft_time_is_the_hubs_receive_time_to_the_microsecond()
    {
        var at = new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);
        var box = new byte[ProducerReferenceTime.Size + 8];
        ProducerReferenceTime.Write(box, 1, ProducerReferenceTime.ToNtp(at), 9000);
        Assert.True(Prft.TryReadReceiveTime(box, out var us));
        Assert.Equal((at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10, us);

        box[4] = (byte)'x';
        Assert.False(Prft.TryReadReceiveTime(box, out _));
        Assert.False(Prft.TryReadReceiveTime(box.AsSpan(0, 31), out _));
    }
}
