using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.G711;
using LiveMux.Media.Rtp.Opus;
using LiveMux.Media.Tests.Formats;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>Opus and G.711: one packet, one unit; losses drop nothing but what was lost.</summary>
public sealed class OneUnitPerPacketDepacketizerTests
{
    [Fact]
    public void Opus_units_are_the_payloads_with_their_toc_durations()
    {
        using var run = new AudioHarness(new OpusDepacketizer(2));
        run.Push(
        [
            TestRtp.Packet(10, 1000, true, [0xFC, 1, 2, 3]),     // CELT 20 ms
            TestRtp.Packet(11, 1960, true, [0xF0, 4]),           // CELT 10 ms
            TestRtp.Packet(11, 1960, true, [0xF0, 4]),           // duplicate
            TestRtp.Packet(13, 3400, true, [0x18, 5, 6]),        // after a loss: SILK 60 ms
            TestRtp.Packet(14, 6280, true, [0xFB]),              // code 3 without its count
            TestRtp.Packet(15, 6280, true, []),                  // empty
        ]);
        Assert.Equal([[0xFC, 1, 2, 3], [0xF0, 4], [0x18, 5, 6]], run.Units.Select(u => u.Data));
        Assert.Equal([960, 480, 2880], run.Units.Select(u => u.Duration));
        Assert.Equal([1000L, 1960, 3400], run.Units.Select(u => u.Timestamp));
        Assert.Equal([true, false, false], run.Units.Select(u => u.ConfigChanged));
        Assert.Equal([DropReason.LatePacket, DropReason.SequenceGap, DropReason.Malformed, DropReason.Malformed], run.Drops);
    }

    [Fact]
    public void G711_units_are_the_camera_codes_with_their_sample_counts()
    {
        using var run = new AudioHarness(new G711Depacketizer(aLaw: false, 8000, 2));
        run.Push(
        [
            TestRtp.Packet(1, 5000, true, [1, 2, 3, 4], payloadType: 0),
            TestRtp.Packet(2, 5002, true, [5, 6, 7], payloadType: 0),       // half a sample pair
            TestRtp.Packet(4, 5010, true, [8, 9], payloadType: 0),          // after a loss
        ]);
        Assert.Equal([[1, 2, 3, 4], [8, 9]], run.Units.Select(u => u.Data));
        Assert.Equal([2, 1], run.Units.Select(u => u.Duration));
        Assert.Equal([5000L, 5010], run.Units.Select(u => u.Timestamp));
        Assert.Equal([DropReason.Malformed, DropReason.SequenceGap], run.Drops);
        Assert.Equal("ulaw", run.Depacketizer.Config!.Codec);
    }

    [Fact]
    public void G711_packets_become_flac_frames_of_their_samples()
    {
        using var run = new AudioHarness(new G711FlacDepacketizer(new G711Depacketizer(aLaw: true)));
        var codes = Enumerable.Range(0, 160).Select(i => (byte)(i * 7)).ToArray();
        run.Push(
        [
            TestRtp.Packet(1, 5000, true, codes, payloadType: 8),
            TestRtp.Packet(2, 5160, true, codes.AsSpan(0, 80), payloadType: 8),
            TestRtp.Packet(4, 5400, true, codes, payloadType: 8),
            TestRtp.Packet(5, 5560, true, [], payloadType: 8),
        ]);
        Assert.Equal([160, 80, 160], run.Units.Select(u => u.Duration));
        Assert.Equal([5000L, 5160, 5400], run.Units.Select(u => u.Timestamp));
        Assert.Equal([DropReason.SequenceGap, DropReason.Malformed], run.Drops);

        // Frame header: variable block size, 8 kHz, mono 16-bit; sample numbers count from the first packet.
        Assert.All(run.Units, u => Assert.Equal([0xFF, 0xF9, 0x64, 0x08], u.Data[..4]));
        // Sample numbers 0, 160 and 400 (after the lost packet), then block size - 1 and CRC-8.
        Assert.Equal([0x00, 0x9F], run.Units[0].Data[4..6]);
        Assert.Equal([0xC2, 0xA0, 0x4F], run.Units[1].Data[4..7]);
        Assert.Equal([0xC6, 0x90, 0x9F], run.Units[2].Data[4..7]);
    }

    [Fact]
    public void G711_stereo_must_fill_whole_sample_pairs_and_respects_the_block_limit()
    {
        using var run = new AudioHarness(new G711FlacDepacketizer(new G711Depacketizer(aLaw: false, 8000, 2, new AudioDepacketizerOptions { MaxG711BlockSize = 100 })));
        run.Push(
        [
            TestRtp.Packet(1, 0, true, new byte[160]),   // 80 stereo samples
            TestRtp.Packet(2, 80, true, new byte[161]),  // half a sample pair
            TestRtp.Packet(3, 160, true, new byte[202]), // 101 samples: over the limit
        ]);
        Assert.Equal([80], run.Units.Select(u => u.Duration));
        Assert.Equal(0x18, run.Units[0].Data[3]); // channel assignment 1 (two independent channels), 16 bits
        Assert.Equal([DropReason.Malformed, DropReason.AccessUnitTooLarge], run.Drops);
    }

    [Fact]
    public void G711_sample_numbers_stay_below_2_pow_31()
    {
        using var run = new AudioHarness(new G711FlacDepacketizer(new G711Depacketizer(aLaw: true)));
        // Forward jumps of 2^30 (a camera pausing): the third packet is 2^31 samples after the first.
        run.Push(
        [
            TestRtp.Packet(1, 0, true, new byte[160], 8),
            TestRtp.Packet(2, 1u << 30, true, new byte[160], 8),
            TestRtp.Packet(3, 1u << 31, true, new byte[160], 8),
            TestRtp.Packet(4, (1u << 31) + 160, true, new byte[160], 8),
        ]);
        Assert.Equal(4, run.Units.Count);
        Assert.Equal(1L << 31, run.Units[2].Timestamp - run.Units[0].Timestamp);
        Assert.Equal([0x00, 0xFD, 0x00, 0xC2], run.Units.Select(u => u.Data[4])); // 0, 2^30 (6-byte form), 0, 160
    }
}
