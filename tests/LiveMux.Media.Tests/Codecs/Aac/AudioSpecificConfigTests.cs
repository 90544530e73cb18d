using LiveMux.Media.Codecs.Aac;
using LiveMux.Media.Tests.Bits;

namespace LiveMux.Media.Tests.Codecs.Aac;

public sealed class AudioSpecificConfigTests
{
    // Written bit by bit from 14496-3 1.6.2.1 so the table reads as the syntax does.
    private static string Bits(Action<TestBitWriter> write)
    {
        var w = new TestBitWriter();
        write(w);
        return Convert.ToHexString(w.ToArray());
    }

    // name, config hex, "aot|core|rate|outputRate|channelConfig|channels|frameLength|sbr|ps|codec"
    public static TheoryData<string, string, string> Valid => new()
    {
        { "AAC-LC 44.1 kHz stereo", "1210", "2|2|44100|44100|2|2|1024|False|False|mp4a.40.2" },
        { "GStreamer avenc_aac: sync extension, SBR absent", "121056E500", "2|2|44100|44100|2|2|1024|False|False|mp4a.40.2" },
        { "AAC-LC 48 kHz stereo", "1190", "2|2|48000|48000|2|2|1024|False|False|mp4a.40.2" },
        { "Dahua: AAC-LC 16 kHz mono", "1408", "2|2|16000|16000|1|1|1024|False|False|mp4a.40.2" },
        { "AAC-LC 8 kHz mono", "1588", "2|2|8000|8000|1|1|1024|False|False|mp4a.40.2" },
        { "960-sample frames", "120C", "2|2|44100|44100|1|1|960|False|False|mp4a.40.2" },
        { "5.1", "11B0", "2|2|48000|48000|6|6|1024|False|False|mp4a.40.2" },
        { "7.1 (config 7)", "11B8", "2|2|48000|48000|7|8|1024|False|False|mp4a.40.2" },
        {
            "explicit rate 22050 (index 15)",
            Bits(w => w.Bits(2, 5).Bits(15, 4).Bits(22050, 24).Bits(2, 4).Bits(0, 3)),
            "2|2|22050|22050|2|2|1024|False|False|mp4a.40.2"
        },
        {
            "explicit HE-AAC: AOT 5, 24 -> 48 kHz",
            Bits(w => w.Bits(5, 5).Bits(6, 4).Bits(2, 4).Bits(3, 4).Bits(2, 5).Bits(0, 3)),
            "5|2|24000|48000|2|2|1024|True|False|mp4a.40.5"
        },
        {
            "explicit HE-AACv2: AOT 29, mono core",
            Bits(w => w.Bits(29, 5).Bits(6, 4).Bits(1, 4).Bits(3, 4).Bits(2, 5).Bits(0, 3)),
            "29|2|24000|48000|1|1|1024|True|True|mp4a.40.29"
        },
        {
            "backward-compatible SBR",
            Bits(w => w.Bits(2, 5).Bits(6, 4).Bits(2, 4).Bits(0, 3).Bits(0x2B7, 11).Bits(5, 5).Bit(true).Bits(3, 4)),
            "2|2|24000|48000|2|2|1024|True|False|mp4a.40.2"
        },
        {
            "backward-compatible SBR and PS",
            Bits(w => w.Bits(2, 5).Bits(6, 4).Bits(1, 4).Bits(0, 3).Bits(0x2B7, 11).Bits(5, 5).Bit(true).Bits(3, 4).Bits(0x548, 11).Bit(true)),
            "2|2|24000|48000|1|1|1024|True|True|mp4a.40.2"
        },
        {
            "dependsOnCoreCoder with delay",
            Bits(w => w.Bits(2, 5).Bits(4, 4).Bits(2, 4).Bit(false).Bit(true).Bits(100, 14).Bit(false)),
            "2|2|44100|44100|2|2|1024|False|False|mp4a.40.2"
        },
        { "program config element (channel config 0)", "1200", "2|2|44100|44100|0|0|1024|False|False|mp4a.40.2" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses(string name, string hex, string expected)
    {
        Assert.True(AudioSpecificConfig.TryParse(Convert.FromHexString(hex), out var c, out var error), $"{name}: {error}");
        Assert.Null(error);
        Assert.Equal(expected, $"{c.ObjectType}|{c.CoreObjectType}|{c.SampleRate}|{c.OutputSampleRate}|{c.ChannelConfiguration}|{c.Channels}|{c.FrameLength}|{c.Sbr}|{c.Ps}|{c.Codec}");
    }

    // name, config hex, error fragment
    public static TheoryData<string, string, string> Invalid => new()
    {
        { "empty", "", "truncated" },
        { "one byte", "12", "truncated" },
        { "object type 0", "0010", "type 0" },
        { "reserved rate index 13", Bits(w => w.Bits(2, 5).Bits(13, 4).Bits(2, 4).Bits(0, 3)), "reserved" },
        { "USAC (escaped object type 42)", Bits(w => w.Bits(31, 5).Bits(10, 6).Bits(3, 4).Bits(2, 4).Bits(0, 8)), "type 42" },
        { "explicit rate cut short", Bits(w => w.Bits(2, 5).Bits(15, 4).Bits(1, 7)), "truncated" },
        { "HE-AAC with a reserved extension rate index", Bits(w => w.Bits(5, 5).Bits(6, 4).Bits(2, 4).Bits(13, 4).Bits(2, 5).Bits(0, 3)), "reserved" },
        { "HE-AACv2 with an explicit extension rate of 0", Bits(w => w.Bits(29, 5).Bits(6, 4).Bits(1, 4).Bits(15, 4).Bits(0, 24).Bits(2, 5).Bits(0, 3)), "reserved" },
        { "HE-AAC without its core type", Bits(w => w.Bits(5, 5).Bits(6, 4).Bits(2, 4).Bits(3, 3)), "truncated" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects(string name, string hex, string error)
    {
        Assert.False(AudioSpecificConfig.TryParse(Convert.FromHexString(hex), out _, out var message), name);
        Assert.Contains(error, message);
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Every_prefix_parses_or_fails_with_a_reason(string name, string hex, string expected)
    {
        _ = expected;
        var bytes = Convert.FromHexString(hex);
        for (var length = 0; length < bytes.Length; length++)
        {
            var ok = AudioSpecificConfig.TryParse(bytes.AsSpan(0, length), out var config, out var error);
            Assert.True(ok ? config is not null && error is null : error is not null, $"{name} prefix {length}");
        }
    }
}
