using LiveMux.Media.Codecs.Aac;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.Mpeg4Audio;
using LiveMux.Media.Tests.Bits;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>RFC 6416 MP4A-LATM: StreamMuxConfig parsing and AudioMuxElement layouts.</summary>
public sealed class LatmDepacketizerTests
{
    private const uint T0 = 5000;

    // name, config hex, expected "ascHex|subFrames|codec|rate|channels" or an error fragment
    [Theory]
    [InlineData("RFC 6416 example shape: AAC-LC 44.1 kHz stereo", "400024203FC0", "1210|1|mp4a.40.2|44100|2")]
    [InlineData("GStreamer rtpmp4apay, sync extension inside, cut short", "40002420ADCA00", "121056E500|1|mp4a.40.2|44100|2")]
    [InlineData("GStreamer, 48 kHz mono", "40002310ADCA00", "118856E500|1|mp4a.40.2|48000|1")]
    [InlineData("two subframes per element", "4100242000", "1210|2|mp4a.40.2|44100|2")]
    [InlineData("audioMuxVersion 1", "C0002420", "audioMuxVersion 1")]
    [InlineData("two programs", "40102420", "one program")]
    [InlineData("frameLengthType 1 (fixed)", "400024204000", "frameLengthType 1")]
    [InlineData("truncated before the ASC ends", "400024", "truncated")]
    public void Parses_StreamMuxConfig(string name, string hex, string expected)
    {
        var ok = StreamMuxConfig.TryParse(Convert.FromHexString(hex), out var config, out var error);
        if (expected.Contains('|'))
        {
            Assert.True(ok, $"{name}: {error}");
            var asc = config.Config;
            Assert.Equal(expected, $"{Convert.ToHexString(config.ConfigBytes)}|{config.SubFrames}|{asc.Codec}|{asc.SampleRate}|{asc.Channels}");
        }
        else
        {
            Assert.False(ok, name);
            Assert.Contains(expected, error);
        }
    }

    private static byte[] Au(int id, int size) => Enumerable.Range(0, size).Select(i => (byte)((id * 41) + i)).ToArray();

    /// <summary>PayloadLengthInfo: 255 for every full 255 bytes, then the rest (RFC 6416 / 14496-3 1.7.3.2).</summary>
    private static byte[] Element(params byte[][] aus) =>
        [.. aus.SelectMany(au => Enumerable.Repeat((byte)255, au.Length / 255).Append((byte)(au.Length % 255)).Concat(au))];

    private static AudioHarness Create(string config = "400024203FC0", AudioDepacketizerOptions? options = null)
    {
        Assert.True(StreamMuxConfig.TryParse(Convert.FromHexString(config), out var mux, out var error), error);
        return new AudioHarness(new LatmDepacketizer(mux, 44100, 2, options));
    }

    [Fact]
    public void Length_info_over_255_and_several_elements_per_packet()
    {
        using var run = Create();
        Assert.Equal([255, 45], Element(Au(1, 300))[..2]);
        Assert.Equal([255, 0], Element(Au(1, 255))[..2]);
        run.Push(
        [
            TestRtp.Packet(1, T0, true, Element(Au(1, 300))),
            TestRtp.Packet(2, T0 + 1024, true, [.. Element(Au(2, 255)), .. Element(Au(3, 20)), .. Element(Au(4, 510))]),
        ]);
        Assert.Equal([Au(1, 300), Au(2, 255), Au(3, 20), Au(4, 510)], run.Units.Select(u => u.Data));
        Assert.Equal([T0, T0 + 1024L, T0 + 2048L, T0 + 3072L], run.Units.Select(u => u.Timestamp));
        Assert.Equal([1, 3], run.UnitsPerPacket);
        Assert.Empty(run.Drops);
    }

    [Fact]
    public void Two_subframes_per_element()
    {
        using var run = Create("4100242000");
        run.Push([TestRtp.Packet(1, T0, true, Element(Au(1, 10), Au(2, 20)))]);
        Assert.Equal([Au(1, 10), Au(2, 20)], run.Units.Select(u => u.Data));
    }

    [Fact]
    public void Fragmented_elements_are_gathered_until_the_marker()
    {
        using var run = Create();
        var element = Element(Au(1, 1000));
        run.Push(
        [
            TestRtp.Packet(1, T0, false, element.AsSpan(0, 400)),
            TestRtp.Packet(2, T0, false, element.AsSpan(400, 400)),
            TestRtp.Packet(3, T0, true, element.AsSpan(800)),
        ]);
        Assert.Equal([Au(1, 1000)], run.Units.Select(u => u.Data));
        Assert.Equal([0, 0, 1], run.UnitsPerPacket);
    }

    [Fact]
    public void A_lost_fragment_drops_its_element_only()
    {
        using var run = Create();
        var element = Element(Au(1, 1000));
        run.Push(
        [
            TestRtp.Packet(1, T0, false, element.AsSpan(0, 400)),
            TestRtp.Packet(3, T0, true, element.AsSpan(800)),
            TestRtp.Packet(4, T0 + 1024, true, Element(Au(2, 30))),
            TestRtp.Packet(5, T0 + 2048, false, Element(Au(3, 30)).AsSpan(0, 10)), // marker never comes
            TestRtp.Packet(6, T0 + 3072, true, Element(Au(4, 30))),
            TestRtp.Packet(6, T0 + 3072, true, Element(Au(4, 30))),                 // duplicate
        ]);
        Assert.Equal([Au(2, 30), Au(4, 30)], run.Units.Select(u => u.Data));
        Assert.Equal([DropReason.SequenceGap, DropReason.Malformed, DropReason.LatePacket], run.Drops);
    }

    [Theory]
    [InlineData("00", "length 0")]
    [InlineData("FF", "length info cut")]
    [InlineData("0A0102", "AU shorter than its length")]
    [InlineData("", "empty")]
    public void Bad_elements_are_dropped(string hex, string name)
    {
        using var run = Create();
        run.Push([TestRtp.Packet(1, T0, true, Convert.FromHexString(hex)), TestRtp.Packet(2, T0 + 1024, true, Element(Au(2, 30)))]);
        Assert.True(run.Drops.SequenceEqual([DropReason.Malformed]), name);
        Assert.Equal([Au(2, 30)], run.Units.Select(u => u.Data));
    }

    [Fact]
    public void An_element_over_the_limit_is_dropped()
    {
        using var run = Create(options: new AudioDepacketizerOptions { MaxAccessUnitBytes = 500 });
        var element = Element(Au(1, 1000));
        run.Push(
        [
            TestRtp.Packet(1, T0, false, element.AsSpan(0, 400)),
            TestRtp.Packet(2, T0, false, element.AsSpan(400, 400)),
            TestRtp.Packet(3, T0, true, element.AsSpan(800)),
            TestRtp.Packet(4, T0 + 1024, true, Element(Au(2, 30))),
        ]);
        Assert.Equal([Au(2, 30)], run.Units.Select(u => u.Data));
        Assert.Equal([DropReason.AccessUnitTooLarge], run.Drops);
    }

    [Fact]
    public void Config_bits_are_copied_exactly_when_unaligned()
    {
        // An ASC of 2 + explicit 24-bit rate: 5+4+24+4+3 = 40 bits starting at bit 15.
        var w = new TestBitWriter().Bits(0, 1).Bit(true).Bits(0, 6).Bits(0, 4).Bits(0, 3)
            .Bits(2, 5).Bits(15, 4).Bits(22050, 24).Bits(1, 4).Bits(0, 3).Bits(0, 3).Bits(0xFF, 8);
        Assert.True(StreamMuxConfig.TryParse(w.ToArray(), out var config, out var error), error);
        Assert.Equal(new TestBitWriter().Bits(2, 5).Bits(15, 4).Bits(22050, 24).Bits(1, 4).Bits(0, 3).ToArray(), config.ConfigBytes);
        Assert.Equal(22050, config.Config.SampleRate);
    }
}
