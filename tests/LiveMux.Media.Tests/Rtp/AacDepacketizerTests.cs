using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.Mpeg4Audio;
using LiveMux.Media.Tests.Bits;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>RFC 3640 packet layouts, good and broken, against what the depacketizer must hand out.</summary>
public sealed class AacDepacketizerTests
{
    private const uint T0 = 90_000;

    private static readonly Dictionary<string, string> Hbr = new()
    {
        ["streamtype"] = "5", ["mode"] = "AAC-hbr", ["config"] = "1210", ["sizelength"] = "13", ["indexlength"] = "3", ["indexdeltalength"] = "3",
    };

    /// <summary>A distinct AU of <paramref name="size"/> bytes, so a swapped or cut AU cannot pass.</summary>
    private static byte[] Au(int id, int size) => Enumerable.Range(0, size).Select(i => (byte)((id * 37) + i)).ToArray();

    private static byte[] Payload(int[] sizes, params byte[][] data) =>
        [.. Rfc3640TestPacketizer.Headers(sizes), .. data.SelectMany(d => d)];

    private static AudioHarness Create(Dictionary<string, string>? fmtp = null, AudioDepacketizerOptions? options = null)
    {
        Assert.True(Rfc3640Parameters.TryParse(fmtp ?? Hbr, out var parameters, out var error), error);
        return new AudioHarness(new AacDepacketizer(parameters, 44100, 2, options));
    }

    private static Dictionary<string, string> With(params (string Key, string? Value)[] changes)
    {
        var fmtp = new Dictionary<string, string>(Hbr, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                fmtp.Remove(key);
            }
            else
            {
                fmtp[key] = value;
            }
        }

        return fmtp;
    }

    // name, packets, expected units as "auId:size@tsOffset", expected drops
    public static TheoryData<string, byte[][], string[], DropReason[]> Layouts => new()
    {
        {
            "one AU",
            [TestRtp.Packet(1, T0, true, Payload([100], Au(1, 100)))],
            ["1:100@0"], []
        },
        {
            "three AUs in one packet, 1024 apart",
            [TestRtp.Packet(1, T0, true, Payload([100, 7, 300], Au(1, 100), Au(2, 7), Au(3, 300)))],
            ["1:100@0", "2:7@1024", "3:300@2048"], []
        },
        {
            "an AU fragmented over three packets",
            [
                TestRtp.Packet(1, T0, false, Payload([3000], Au(1, 3000)[..1400])),
                TestRtp.Packet(2, T0, false, Payload([3000], Au(1, 3000)[1400..2800])),
                TestRtp.Packet(3, T0, true, Payload([3000], Au(1, 3000)[2800..])),
                TestRtp.Packet(4, T0 + 1024, true, Payload([50], Au(2, 50))),
            ],
            ["1:3000@0", "2:50@1024"], []
        },
        {
            "middle fragment lost: that AU only",
            [
                TestRtp.Packet(1, T0, true, Payload([50], Au(1, 50))),
                TestRtp.Packet(2, T0 + 1024, false, Payload([3000], Au(2, 3000)[..1400])),
                TestRtp.Packet(4, T0 + 1024, true, Payload([3000], Au(2, 3000)[2800..])),
                TestRtp.Packet(5, T0 + 2048, true, Payload([60], Au(3, 60))),
            ],
            ["1:50@0", "3:60@2048"], [DropReason.SequenceGap]
        },
        {
            "first fragment lost: the rest falls short of AU-size",
            [
                TestRtp.Packet(1, T0, true, Payload([50], Au(1, 50))),
                TestRtp.Packet(3, T0 + 1024, false, Payload([3000], Au(2, 3000)[1400..2800])),
                TestRtp.Packet(4, T0 + 1024, true, Payload([3000], Au(2, 3000)[2800..])),
                TestRtp.Packet(5, T0 + 2048, true, Payload([60], Au(3, 60))),
            ],
            ["1:50@0", "3:60@2048"], [DropReason.SequenceGap, DropReason.Malformed]
        },
        {
            "last fragment's marker missing: next timestamp ends it broken",
            [
                TestRtp.Packet(1, T0, false, Payload([3000], Au(1, 3000)[..1400])),
                TestRtp.Packet(2, T0 + 1024, true, Payload([60], Au(2, 60))),
            ],
            ["2:60@1024"], [DropReason.Malformed]
        },
        {
            "a whole-AU loss between packets drops nothing",
            [
                TestRtp.Packet(1, T0, true, Payload([50], Au(1, 50))),
                TestRtp.Packet(3, T0 + 2048, true, Payload([60], Au(3, 60))),
            ],
            ["1:50@0", "3:60@2048"], [DropReason.SequenceGap]
        },
        {
            "duplicate packet",
            [
                TestRtp.Packet(1, T0, true, Payload([50], Au(1, 50))),
                TestRtp.Packet(1, T0, true, Payload([50], Au(1, 50))),
                TestRtp.Packet(2, T0 + 1024, true, Payload([60], Au(2, 60))),
            ],
            ["1:50@0", "2:60@1024"], [DropReason.LatePacket]
        },
        {
            "AU-headers-length longer than the packet",
            [TestRtp.Packet(1, T0, true, [0x00, 0xF0, 0x01, 0x02])],
            [], [DropReason.Malformed]
        },
        {
            "AU-headers-length not a whole number of headers",
            [TestRtp.Packet(1, T0, true, [0x00, 0x11, 0x03, 0x20, 0x00, .. Au(1, 100)])],
            [], [DropReason.Malformed]
        },
        {
            "AU-headers-length zero",
            [TestRtp.Packet(1, T0, true, [0x00, 0x00, .. Au(1, 10)])],
            [], [DropReason.Malformed]
        },
        {
            "AU-size 0",
            [TestRtp.Packet(1, T0, true, Payload([0], []))],
            [], [DropReason.Malformed]
        },
        {
            "second of two AUs truncated: the first is kept",
            [TestRtp.Packet(1, T0, true, Payload([40, 60], Au(1, 40), Au(2, 30)))],
            ["1:40@0"], [DropReason.Malformed]
        },
        {
            "payload shorter than the length field",
            [TestRtp.Packet(1, T0, true, [0x00])],
            [], [DropReason.Malformed]
        },
        {
            "single AU shorter than its size with the marker set",
            [TestRtp.Packet(1, T0, true, Payload([100], Au(1, 60)))],
            [], [DropReason.Malformed]
        },
        {
            "interleaved (AU-Index 1)",
            [TestRtp.Packet(1, T0, true, [0x00, 0x10, 0x03, 0x21, .. Au(1, 100)])],
            [], [DropReason.UnsupportedPacketType]
        },
        {
            "timestamps across the 32-bit wrap",
            [
                TestRtp.Packet(1, uint.MaxValue - 1023, true, Payload([10, 10], Au(1, 10), Au(2, 10))),
                TestRtp.Packet(2, 1024, true, Payload([10], Au(3, 10))),
            ],
            ["1:10@4294876272", "2:10@4294877296", "3:10@4294878320"], []
        },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Hands_out_what_the_packets_hold(string name, byte[][] packets, string[] expected, DropReason[] drops)
    {
        using var run = Create();
        run.Push(packets);
        var expectedUnits = expected.Select(e =>
        {
            var (id, rest) = (int.Parse(e.Split(':')[0]), e.Split(':')[1]);
            var (size, offset) = (int.Parse(rest.Split('@')[0]), long.Parse(rest.Split('@')[1]));
            return (Data: Au(id, size), Timestamp: T0 + offset);
        }).ToList();
        Assert.True(expectedUnits.Count == run.Units.Count, $"{name}: {run.Units.Count} units, drops {string.Join(",", run.Drops)}");
        for (var i = 0; i < expectedUnits.Count; i++)
        {
            Assert.Equal(expectedUnits[i].Data, run.Units[i].Data);
            Assert.Equal(expectedUnits[i].Timestamp, run.Units[i].Timestamp);
            Assert.Equal(1024, run.Units[i].Duration);
        }

        Assert.Equal(drops, run.Drops);
    }

    [Fact]
    public void The_first_unit_announces_the_configuration()
    {
        using var run = Create();
        run.Push([TestRtp.Packet(1, T0, true, Payload([10, 10], Au(1, 10), Au(2, 10)))]);
        Assert.Equal([true, false], run.Units.Select(u => u.ConfigChanged));
        var config = run.Depacketizer.Config!;
        Assert.Equal("mp4a.40.2", config.Codec);
        Assert.Equal(44100, config.Timescale);
        Assert.Equal(1024, config.DefaultDuration);
        Assert.Equal(TrackKind.Audio, config.Kind);
    }

    [Fact]
    public void AAC_lbr_uses_6_2_2_bit_headers()
    {
        using var run = Create(With(("mode", "AAC-lbr"), ("sizelength", null), ("indexlength", null), ("indexdeltalength", null)));
        var headers = Rfc3640TestPacketizer.Headers([40, 63], sizeLength: 6, indexLength: 2, indexDeltaLength: 2);
        Assert.Equal([0x00, 0x10], headers[..2]); // two 8-bit headers
        run.Push([TestRtp.Packet(1, T0, true, [.. headers, .. Au(1, 40), .. Au(2, 63)])]);
        Assert.Equal([Au(1, 40), Au(2, 63)], run.Units.Select(u => u.Data));
    }

    [Fact]
    public void Constantduration_and_960_sample_frames_set_the_spacing()
    {
        using (var run = Create(With(("constantduration", "960"))))
        {
            run.Push([TestRtp.Packet(1, T0, true, Payload([10, 10], Au(1, 10), Au(2, 10)))]);
            Assert.Equal([T0, T0 + 960L], run.Units.Select(u => u.Timestamp));
            Assert.Equal(960, run.Depacketizer.Config!.DefaultDuration);
        }

        using (var run = Create(With(("config", "120C")))) // frameLengthFlag: 960 samples
        {
            run.Push([TestRtp.Packet(1, T0, true, Payload([10, 10], Au(1, 10), Au(2, 10)))]);
            Assert.Equal([960, 960], run.Units.Select(u => u.Duration));
        }
    }

    [Fact]
    public void CTS_deltas_place_the_later_AUs()
    {
        using var run = Create(With(("ctsdeltalength", "8")));
        // Header: size(13) index(3) CTS-flag(1) [delta(8)]; the first AU's flag is 0.
        var bits = new TestBitWriter().Bits(10, 13).Bits(0, 3).Bit(false).Bits(10, 13).Bits(0, 3).Bit(true).Bits(0xF0, 8); // -16
        var count = bits.BitCount;
        run.Push([TestRtp.Packet(1, T0, true, [0, (byte)count, .. bits.ToArray(), .. Au(1, 10), .. Au(2, 10)])]);
        Assert.Equal([T0, T0 - 16L], run.Units.Select(u => u.Timestamp));
    }

    [Fact]
    public void Without_AU_headers_a_packet_is_one_AU_or_constantsize_AUs()
    {
        using (var run = Create(new() { ["config"] = "1210", ["streamtype"] = "5" }))
        {
            run.Push(
            [
                TestRtp.Packet(1, T0, true, Au(1, 30)),
                TestRtp.Packet(2, T0 + 1024, false, Au(2, 40).AsSpan(0, 25)),
                TestRtp.Packet(3, T0 + 1024, true, Au(2, 40).AsSpan(25)),
            ]);
            Assert.Equal([Au(1, 30), Au(2, 40)], run.Units.Select(u => u.Data));
        }

        using (var run = Create(new() { ["config"] = "1210", ["constantsize"] = "20" }))
        {
            run.Push([TestRtp.Packet(1, T0, true, [.. Au(1, 20), .. Au(2, 20), .. Au(3, 20)]), TestRtp.Packet(2, T0 + 3072, true, Au(4, 30))]);
            Assert.Equal([Au(1, 20), Au(2, 20), Au(3, 20)], run.Units.Select(u => u.Data));
            Assert.Equal([T0, T0 + 1024L, T0 + 2048L], run.Units.Select(u => u.Timestamp));
            Assert.Equal([DropReason.Malformed], run.Drops);
        }
    }

    [Fact]
    public void An_AU_over_the_limit_is_dropped_with_all_its_fragments()
    {
        using var run = Create(options: new AudioDepacketizerOptions { MaxAccessUnitBytes = 2000 });
        run.Push(
        [
            TestRtp.Packet(1, T0, false, Payload([3000], Au(1, 3000)[..1400])),
            TestRtp.Packet(2, T0, false, Payload([3000], Au(1, 3000)[1400..2800])),
            TestRtp.Packet(3, T0, true, Payload([3000], Au(1, 3000)[2800..])),
            TestRtp.Packet(4, T0 + 1024, true, Payload([100], Au(2, 100))),
        ]);
        Assert.Equal([Au(2, 100)], run.Units.Select(u => u.Data));
        Assert.All(run.Drops, d => Assert.Equal(DropReason.AccessUnitTooLarge, d));
    }

    [Fact]
    public void More_AUs_than_the_limit_are_refused()
    {
        using var run = Create(options: new AudioDepacketizerOptions { MaxAccessUnitsPerPacket = 4 });
        var sizes = Enumerable.Repeat(5, 5).ToArray();
        run.Push([TestRtp.Packet(1, T0, true, Payload(sizes, [.. Enumerable.Range(0, 5).Select(i => Au(i, 5))]))]);
        Assert.Empty(run.Units);
        Assert.Equal([DropReason.Malformed], run.Drops);
    }

    [Fact]
    public void Every_prefix_of_a_packet_is_taken_or_dropped_without_a_throw()
    {
        var payload = Payload([100, 7, 300], Au(1, 100), Au(2, 7), Au(3, 300));
        for (var length = 0; length <= payload.Length; length++)
        {
            using var run = Create();
            run.Push(TestRtp.Packet(1, T0, true, payload.AsSpan(0, length)));
            Assert.True(run.Units.Count + run.Drops.Count >= 1, $"prefix {length}");
            Assert.True(length == payload.Length ? run.Units.Count == 3 && run.Drops.Count == 0 : run.Drops.Count == 1, $"prefix {length}");
        }
    }

    [Fact]
    public void Units_left_untaken_are_released_by_the_next_push()
    {
        Assert.True(Rfc3640Parameters.TryParse(Hbr, out var parameters, out _));
        using var depacketizer = new AacDepacketizer(parameters, 44100, 2);
        var first = TestRtp.Packet(1, T0, true, Payload([10, 10, 10], Au(1, 10), Au(2, 10), Au(3, 10)));
        Assert.Equal(RtpParseStatus.Ok, RtpPacket.TryParse(first, out var packet));
        Assert.Equal(DepacketizeStatus.AccessUnit, depacketizer.Push(packet, out var unit));
        unit.Dispose();
        var second = TestRtp.Packet(2, T0 + 3072, true, Payload([10], Au(4, 10)));
        Assert.Equal(RtpParseStatus.Ok, RtpPacket.TryParse(second, out packet));
        Assert.Equal(DepacketizeStatus.AccessUnit, depacketizer.Push(packet, out unit));
        using (unit)
        {
            Assert.Equal(Au(4, 10), unit.Data.ToArray());
        }

        Assert.False(depacketizer.TryTakeNext(out _));
    }

    /// <summary>An ADTS header for an AU of <paramref name="payload"/> bytes: AAC-LC 44.1 kHz stereo, one raw block.</summary>
    private static byte[] Adts(int payload, bool crc)
    {
        var length = payload + (crc ? 9 : 7);
        byte[] header = [0xFF, (byte)(crc ? 0xF0 : 0xF1), 0x50, (byte)(0x80 | (length >> 11)), (byte)(length >> 3), (byte)(((length & 7) << 5) | 0x1F), 0xFC];
        return crc ? [.. header, 0x12, 0x34] : header;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ADTS_headers_inside_AUs_are_removed(bool crc)
    {
        using var run = Create();
        byte[] whole = [.. Adts(100, crc), .. Au(1, 100)];
        byte[] big = [.. Adts(3000, crc), .. Au(2, 3000)];
        byte[] wrongLength = [.. Adts(99, crc), .. Au(3, 100)]; // frame_length disagrees: left alone
        run.Push(
        [
            TestRtp.Packet(1, T0, true, Payload([whole.Length], whole)),
            TestRtp.Packet(2, T0 + 1024, false, Payload([big.Length], big[..1400])),
            TestRtp.Packet(3, T0 + 1024, true, Payload([big.Length], big[1400..])),
            TestRtp.Packet(4, T0 + 2048, true, Payload([wrongLength.Length], wrongLength)),
        ]);
        Assert.Equal([Au(1, 100), Au(2, 3000), wrongLength], run.Units.Select(u => u.Data));
    }
}
