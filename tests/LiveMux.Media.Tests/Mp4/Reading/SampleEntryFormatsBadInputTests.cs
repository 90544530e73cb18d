using System.Buffers.Binary;
using LiveMux.Media.Codecs.Aac;
using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Codecs.H265;
using LiveMux.Media.Codecs.Opus;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;
using LiveMux.Media.Mp4.Reading;
using LiveMux.Media.Tests.Codecs.H264;
using LiveMux.Media.Tests.Codecs.H265;

namespace LiveMux.Media.Tests.Mp4.Reading;

/// <summary>
/// Sample entries whose codec configuration is cut short, overruns its box or names what RTP cannot carry: no format
/// (with a reason), never an exception.
/// </summary>
public sealed class SampleEntryFormatsBadInputTests
{
    private static readonly uint Avc1 = BoxCursor.FourCc("avc1"u8);
    private static readonly uint Hvc1 = BoxCursor.FourCc("hvc1"u8);
    private static readonly uint Mp4a = BoxCursor.FourCc("mp4a"u8);
    private static readonly uint Opus = BoxCursor.FourCc("Opus"u8);
    private static readonly byte[] AacLcStereo48k = [0x11, 0x90];

    /// <summary>Each kind's configuration box whole (header included), and how an entry is built around one.</summary>
    public static TheoryData<string> Kinds => new() { "avc1", "hvc1", "mp4a", "Opus" };

    private static (TrackKind Kind, byte[] ConfigBox, Func<byte[], byte[]> Entry) Config(string kind)
    {
        switch (kind)
        {
            case "avc1":
            {
                var s = SpsSamples.All["baseline_320x240"];
                Assert.True(Sps.TryParse(s.SpsBytes, out var sps, out var error), error);
                return (TrackKind.Video, Box("avcC", AvcConfigurationRecord.Build(s.SpsBytes, s.PpsBytes, sps)), box => Visual(Avc1, box));
            }

            case "hvc1":
            {
                var s = H265SpsSamples.All["main_320x180_cropped"];
                Assert.True(H265Sps.TryParse(s.SpsBytes, out var sps, out var error), error);
                return (TrackKind.Video, Box("hvcC", HevcConfigurationRecord.Build(s.VpsBytes, s.SpsBytes, s.PpsBytes, sps)), box => Visual(Hvc1, box));
            }

            case "mp4a":
                return (TrackKind.Audio, Mp4aSampleEntry.BuildEsds(AacLcStereo48k), box => AudioSampleEntry.Build(Mp4a, 2, 48000, box));
            default:
                return (TrackKind.Audio, OpusSampleEntry.BuildDOps(2, 48000), box => AudioSampleEntry.Build(Opus, 2, 48000, box));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_whole_entry_has_a_format(string kind)
    {
        var (trackKind, box, entry) = Config(kind);
        Assert.NotNull(SampleEntryFormats.From(entry(box), trackKind, out var reason));
        Assert.Equal("", reason);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_cut_of_the_entry_gives_no_format(string kind)
    {
        var (trackKind, box, entry) = Config(kind);
        var whole = entry(box);
        for (var n = 0; n < whole.Length; n++)
        {
            Assert.Null(SampleEntryFormats.From(whole.AsSpan(0, n), trackKind, out var reason));
            Assert.NotEmpty(reason);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_cut_of_the_configuration_inside_a_consistent_box_gives_no_format(string kind)
    {
        // The boxes' sizes agree with the bytes: only the record's own lengths and counts can tell it is short.
        var (trackKind, box, entry) = Config(kind);
        for (var n = 8; n < box.Length; n++)
        {
            var cut = box[..n];
            BinaryPrimitives.WriteUInt32BigEndian(cut, (uint)n);
            Assert.Null(SampleEntryFormats.From(entry(cut), trackKind, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Any_byte_of_the_entry_overwritten_never_throws(string kind)
    {
        var (trackKind, box, entry) = Config(kind);
        var whole = entry(box);
        var formats = 0;
        foreach (var value in new byte[] { 0x00, 0x01, 0x03, 0x7F, 0x80, 0xFF })
        {
            for (var i = 0; i < whole.Length; i++)
            {
                var bad = (byte[])whole.Clone();
                bad[i] = value;
                if (SampleEntryFormats.From(bad, trackKind, out _) is { } format)
                {
                    formats++;
                    Assert.NotEmpty(format.SdpAttributes(format.PayloadType));
                }
            }
        }

        // Most bytes (reserved fields, the parameter sets' insides) do not decide whether there is a format.
        Assert.InRange(formats, 1, whole.Length * 6);
    }

    public static TheoryData<string, Func<byte[], byte[]>, string> Refusals => new()
    {
        { "avc1", box => Set(box, 8 + 4, 0xFD), "avc1 without an avcC holding an SPS and a PPS with 4-byte NAL lengths" },
        { "avc1", box => Set(box, 8 + 5, 0xE0), "avc1 without an avcC" },                  // no SPS
        { "avc1", box => Set(box, 8 + 6, 0xFF), "avc1 without an avcC" },                  // SPS length past the box
        { "hvc1", box => Set(box, 8 + 21, 0x0D), "hvc1 without an hvcC" },                 // 2-byte NAL lengths
        { "hvc1", box => Set(box, 8 + 24, 0xFF), "hvc1 without an hvcC" },                 // 65280+ VPS units
        { "hvc1", box => Set(box, 8 + 22, 2), "hvc1 without an hvcC" },                    // no PPS array
        { "mp4a", box => Set(box, 12 + 2 + 3 + 2, 0x6B), "mp4a with object type 0x6B has no RTP payload format" }, // MP3
        { "mp4a", box => Set(box, 12 + 2 + 3 + 2 + 13 + 1, 0x7F), "mp4a with an AudioSpecificConfig of 0 bytes" }, // its length past its parent
        { "mp4a", box => Set(Set(box, 12 + 2 + 3 + 2 + 13 + 2, 0x16), 12 + 2 + 3 + 2 + 13 + 3, 0x90), "mp4a: reserved sampling frequency index" },
        { "Opus", box => Set(box, 8, 1), "Opus without a valid dOps" },                    // version 1
        { "Opus", box => Set(Set(box, 8 + 1, 6), 8 + 10, 1), "Opus with 6 channels (mapping family 1)" },
        { "Opus", box => Set(box, 8 + 1, 3), "Opus with 3 channels (mapping family 0)" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_configuration_rtp_cannot_carry_is_refused_with_the_reason(string kind, Func<byte[], byte[]> corrupt, string reason)
    {
        var (trackKind, box, entry) = Config(kind);
        Assert.Null(SampleEntryFormats.From(entry(corrupt(box)), trackKind, out var why));
        Assert.StartsWith(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_codecs_and_a_kind_that_does_not_fit_have_none()
    {
        Assert.Null(SampleEntryFormats.From(AudioSampleEntry.Build(BoxCursor.FourCc("fLaC"u8), 2, 48000, Box("dfLa", new byte[38])), TrackKind.Audio, out var flac));
        Assert.Equal("fLaC has no RTP payload format LiveMux writes", flac);
        Assert.Null(SampleEntryFormats.From(Visual(BoxCursor.FourCc("mp4v"u8), Box("esds", new byte[30])), TrackKind.Video, out var mp4v));
        Assert.Equal("mp4v has no RTP payload format LiveMux writes", mp4v);
        var (_, avcC, avc) = Config("avc1");
        Assert.Null(SampleEntryFormats.From(avc(avcC), TrackKind.Audio, out _));
    }

    private static byte[] Set(byte[] box, int offset, byte value)
    {
        var copy = (byte[])box.Clone();
        copy[offset] = value;
        return copy;
    }

    private static byte[] Box(string type, byte[] payload)
    {
        var box = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        System.Text.Encoding.ASCII.GetBytes(type, box.AsSpan(4));
        payload.CopyTo(box, 8);
        return box;
    }

    /// <summary>A visual sample entry around a configuration box given whole (VisualSampleEntry.Build takes the payload).</summary>
    private static byte[] Visual(uint type, byte[] configBox) =>
        VisualSampleEntry.Build(type, 320, 240, BinaryPrimitives.ReadUInt32BigEndian(configBox.AsSpan(4)), configBox.AsSpan(8));
}
