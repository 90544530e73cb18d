using System.Buffers.Binary;
using LiveMux.Media.Formats;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.Mpeg4Audio;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// One table for every payload format: access units -> the format's packetizer -> the format's depacketizer ->
/// the same access units (bytes, timestamps, keyframe flag), and what every packet must obey on the way:
/// continuous sequence numbers, the marker where the RFC puts it, no payload over the budget.
/// </summary>
public sealed class PacketizerRoundTripTests
{
    internal sealed record Unit(byte[] Data, long Timestamp, bool IsKeyframe);

    internal enum Marker
    {
        /// <summary>On the last packet of each access unit (RFC 6184 5.1, RFC 7798 4.1, RFC 3640 3.2, RFC 6416 6.1).</summary>
        LastOfUnit,

        /// <summary>On the first packet of the talkspurt only (RFC 3551 4.1), audio without DTX.</summary>
        FirstOnly,
    }

    /// <param name="Kinds">The packet types the case must produce: S single, A aggregation, F fragment ("" for audio).</param>
    /// <param name="Expected">What comes out when it is not exactly what went in.</param>
    internal sealed record Case(string Name, Func<MediaFormat> Format, Func<List<Unit>> Units, int MaxPayload, string Kinds,
        Marker Marker = Marker.LastOfUnit, uint InitialTimestamp = 1000, ushort InitialSequence = 100, Func<List<Unit>>? Expected = null)
    {
        public override string ToString() => Name;
    }

    private static readonly Dictionary<string, Case> Cases = new Case[]
    {
        // H.264: SPS+PPS+SEI aggregate in front of the IDR, big slices fragment, small ones go alone.
        new("h264_stap_a_and_fu_a", H264, () => H264Units(new(IdrSliceBytes: 3000, SliceBytes: 300)), 1200, "AFS"),
        new("h264_small_frames_aggregated", H264, () => H264Units(new(IdrSliceBytes: 400, SliceBytes: 200, SlicesPerFrame: 2)), 1200, "A"),
        new("h264_single_nal_units", H264, () => H264Units(new(IdrSliceBytes: 1000, SliceBytes: 900)), 1000, "AS"),
        new("h264_large_frames_small_payload", H264, () => H264Units(new(IdrSliceBytes: 20_000, SliceBytes: 3_000, SlicesPerFrame: 3)), 100, "AF"),
        new("h264_every_nal_fragmented", H264, () => H264Units(new(IdrSliceBytes: 500, SliceBytes: 200)), RtpPacketizerOptions.MinMaxPayloadSize, "F"),
        new("h264_sequence_and_timestamp_wrap", H264, () => H264Units(new(Frames: 9, IdrSliceBytes: 4000)), 1000, "AFS",
            InitialTimestamp: uint.MaxValue - 100_000, InitialSequence: 65530),

        // H.265: VPS+SPS+PPS+SEI in an AP, FUs for big slices.
        new("h265_ap_and_fu", H265, () => H265Units(new(KeySliceBytes: 3000, SliceBytes: 300)), 1200, "AFS"),
        new("h265_small_frames_aggregated", H265, () => H265Units(new(KeySliceBytes: 200, SliceBytes: 100, SegmentsPerFrame: 2)), 1200, "A"),
        new("h265_large_frames_small_payload", H265, () => H265Units(new(KeySliceBytes: 20_000, SliceBytes: 3_000, SegmentsPerFrame: 2)), 100, "AFS"),

        // AAC: one AU per packet; an AU over the budget is fragmented with its header repeated.
        new("aac_hbr_small_aus", Aac, () => AudioUnits(20, 1024, [200, 371, 15, 800]), 1200, ""),
        new("aac_hbr_fragmented_aus", Aac, () => AudioUnits(12, 1024, [1500, 6000, 90, 8191]), 200, ""),
        new("aac_lbr_small_aus", AacLbr, () => AudioUnits(12, 1024, [30, 62, 10]), 1200, ""),
        new("latm_small_and_fragmented", Latm, () => AudioUnits(12, 1024, [10, 254, 255, 256, 600, 2000]), 100, ""),

        // Opus and G.711: one unit per packet.
        new("opus", Opus, () => AudioUnits(20, 960, [1, 80, 400, 1199], firstByte: 0xFC), 1200, "", Marker.FirstOnly),
        new("g711_pcma", Pcma, () => AudioUnits(20, 160, [160], firstByte: null), 1200, "", Marker.FirstOnly),
        new("g711_pcmu_stereo", PcmuStereo, () => AudioUnits(20, 160, [320], firstByte: null), 1200, "", Marker.FirstOnly),

        // G.711 longer than a packet is cut at sample boundaries: more, shorter units, the same samples.
        new("g711_split_at_small_payload", Pcma, () => AudioUnits(3, 400, [400], firstByte: null), 150, "", Marker.FirstOnly,
            Expected: () => AudioUnits(3, 400, [400], firstByte: null).SelectMany(u => Split(u, 150)).ToList()),
    }.ToDictionary(c => c.Name);

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Units_come_back_as_they_went_in(string name)
    {
        var c = Cases[name];
        var format = c.Format();
        var units = c.Units();
        var options = new RtpPacketizerOptions
        {
            PayloadType = 97, Ssrc = 0xCAFEF00D, InitialSequenceNumber = c.InitialSequence,
            InitialTimestamp = c.InitialTimestamp, MaxPayloadSize = c.MaxPayload,
        };
        var packetizer = format.CreatePacketizer(options);
        var packets = new List<(byte[] Packet, int Unit)>();
        for (var i = 0; i < units.Count; i++)
        {
            var unit = i;
            Assert.Equal(PacketizeStatus.Done, packetizer.Packetize(units[i].Data, units[i].Timestamp,
                static (p, s) => s.List.Add((p.ToArray(), s.Unit)), (List: packets, Unit: unit)));
        }

        // Every packet: version 2, our payload type and SSRC, a payload within budget, sequence numbers in a row.
        for (var i = 0; i < packets.Count; i++)
        {
            var p = packets[i].Packet;
            Assert.Equal(0x80, p[0]);
            Assert.Equal(97, p[1] & 0x7F);
            Assert.Equal(0xCAFEF00Du, BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(8)));
            Assert.InRange(p.Length - RtpPacketizer.HeaderSize, 1, c.MaxPayload);
            Assert.Equal(unchecked((ushort)(c.InitialSequence + i)), TestRtp.Sequence(p));
        }

        Assert.Equal(unchecked((ushort)(c.InitialSequence + packets.Count)), packetizer.NextSequenceNumber);
        for (var i = 0; i < packets.Count; i++)
        {
            var lastOfUnit = i == packets.Count - 1 || packets[i + 1].Unit != packets[i].Unit;
            Assert.Equal(c.Marker == Marker.LastOfUnit ? lastOfUnit : i == 0, TestRtp.Marker(packets[i].Packet));
        }

        if (c.Kinds.Length > 0)
        {
            var h265 = format is H265Format;
            var kinds = packets.Select(p => h265
                ? ((p.Packet[12] >> 1) & 0x3F) switch { 48 => 'A', 49 => 'F', _ => 'S' }
                : (p.Packet[12] & 0x1F) switch { 24 => 'A', 28 => 'F', _ => 'S' });
            Assert.Equal(string.Concat(c.Kinds.Order()), string.Concat(kinds.Distinct().Order()));
        }

        using var depacketizer = format.CreateDepacketizer();
        var output = new List<Unit>();
        foreach (var (packet, _) in packets)
        {
            Assert.Equal(RtpParseStatus.Ok, RtpPacket.TryParse(packet, out var parsed));
            var status = depacketizer.Push(parsed, out var au);
            Assert.NotEqual(DepacketizeStatus.Dropped, status);
            Assert.Equal(DropReason.None, depacketizer.LastDropReason);
            if (status == DepacketizeStatus.AccessUnit)
            {
                do
                {
                    using (au)
                    {
                        output.Add(new Unit(au.Data.ToArray(), au.Timestamp - c.InitialTimestamp, au.IsKeyframe));
                    }
                }
                while (depacketizer.TryTakeNext(out au));
            }
        }

        var expected = c.Expected?.Invoke() ?? units;
        Assert.Equal(expected.Count, output.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Data, output[i].Data);
            Assert.Equal(expected[i].Timestamp, output[i].Timestamp);
            Assert.Equal(expected[i].IsKeyframe, output[i].IsKeyframe);
        }

        Assert.NotNull(depacketizer.Config);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Packetizing_allocates_nothing_per_unit(string name)
    {
        var c = Cases[name];
        var units = c.Units();
        var packetizer = c.Format().CreatePacketizer(new RtpPacketizerOptions { MaxPayloadSize = c.MaxPayload });
        var counter = new int[1];
        void Round()
        {
            foreach (var unit in units)
            {
                packetizer.Packetize(unit.Data, unit.Timestamp, static (p, s) => s[0] += p.Length, counter);
            }
        }

        for (var round = 0; round < 50; round++)
        {
            Round(); // past tiered compilation's first calls
        }

        const int Rounds = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < Rounds; round++)
        {
            Round();
        }

        // Any allocation per unit is at least 24 bytes; the runtime may still allocate once or twice.
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < Rounds * units.Count, $"{allocated} bytes for {Rounds * units.Count} units");
        Assert.True(counter[0] > 0);
    }

    [Fact]
    public void An_opus_packet_over_the_budget_is_refused_whole()
    {
        var packetizer = Opus().CreatePacketizer(new RtpPacketizerOptions { MaxPayloadSize = 100 });
        var sent = new List<byte[]>();
        Assert.Equal(PacketizeStatus.TooLarge, packetizer.Packetize(new byte[101], 0, static (p, s) => s.Add(p.ToArray()), sent));
        Assert.Empty(sent);
        Assert.Equal(0, packetizer.NextSequenceNumber);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 5, 0x65, 1 })] // length past the end
    [InlineData(new byte[] { 0, 0, 0, 0 })]          // zero length
    [InlineData(new byte[] { 0, 0, 1 })]             // no room for a length
    public void A_video_unit_with_a_bad_length_prefix_sends_nothing(byte[] unit)
    {
        var packetizer = H264().CreatePacketizer(new RtpPacketizerOptions());
        var sent = new List<byte[]>();
        Assert.Equal(PacketizeStatus.Malformed, packetizer.Packetize(unit, 0, static (p, s) => s.Add(p.ToArray()), sent));
        Assert.Empty(sent);
    }

    [Fact]
    public void An_aac_au_bigger_than_its_size_field_is_refused()
    {
        var packetizer = AacLbr().CreatePacketizer(new RtpPacketizerOptions());
        var sent = new List<byte[]>();
        Assert.Equal(PacketizeStatus.TooLarge, packetizer.Packetize(new byte[64], 0, static (p, s) => s.Add(p.ToArray()), sent));
        Assert.Empty(sent);
    }

    private static MediaFormat H264() => new H264Format(96, SyntheticH264.Sps320, SyntheticH264.Pps320);

    private static MediaFormat H265() => new H265Format(96, SyntheticH265.Vps, SyntheticH265.Sps, SyntheticH265.Pps);

    private static MediaFormat Aac() => Audio("MPEG4-GENERIC", 48000, 2, "streamtype=5;mode=AAC-hbr;config=1190;sizelength=13;indexlength=3;indexdeltalength=3");

    private static MediaFormat AacLbr() => Audio("MPEG4-GENERIC", 48000, 2, "streamtype=5;mode=AAC-lbr;config=1190");

    private static MediaFormat Latm() => Audio("MP4A-LATM", 44100, 2, "profile-level-id=15;object=2;cpresent=0;config=400024203fc0");

    private static MediaFormat Opus() => Audio("OPUS", 48000, 2, "sprop-stereo=1");

    private static MediaFormat Pcma() => Audio("PCMA", 8000, 1, "");

    private static MediaFormat PcmuStereo() => Audio("PCMU", 8000, 2, "");

    private static MediaFormat Audio(string encoding, int clock, int channels, string fmtp)
    {
        var parameters = fmtp.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        var track = new MediaTrack
        {
            MediaType = "audio", PayloadType = 96, EncodingName = encoding, ClockRate = clock, Channels = channels,
            FormatParameters = parameters,
        };
        return MediaFormat.FromTrack(track, out var why) ?? throw new InvalidOperationException(why);
    }

    private static List<Unit> H264Units(SyntheticH264.Stream stream) =>
        SyntheticH264.Frames(stream with { FirstTimestamp = 0 })
            .Select(f => new Unit(SyntheticH264.ExpectedSample(f), f.Timestamp, SyntheticH264.IsIdr(f))).ToList();

    private static List<Unit> H265Units(SyntheticH265.Stream stream) =>
        SyntheticH265.Frames(stream with { FirstTimestamp = 0 })
            .Select((f, i) => new Unit(SyntheticH265.ExpectedSample(f), f.Timestamp, i % stream.Gop == 0)).ToList();

    /// <summary><paramref name="count"/> units cycling through <paramref name="sizes"/>, <paramref name="ticks"/> apart.</summary>
    private static List<Unit> AudioUnits(int count, int ticks, int[] sizes, byte? firstByte = 0x21)
    {
        var units = new List<Unit>();
        for (var i = 0; i < count; i++)
        {
            var data = new byte[sizes[i % sizes.Length]];
            new Random(i).NextBytes(data);
            if (firstByte is { } b)
            {
                data[0] = b; // AAC: not an ADTS sync word; Opus: a CELT 20 ms TOC
            }

            units.Add(new Unit(data, (long)i * ticks, true));
        }

        return units;
    }

    private static IEnumerable<Unit> Split(Unit unit, int maxPayload)
    {
        for (var offset = 0; offset < unit.Data.Length; offset += maxPayload)
        {
            yield return new Unit(unit.Data.AsSpan(offset, Math.Min(maxPayload, unit.Data.Length - offset)).ToArray(), unit.Timestamp + offset, true);
        }
    }
}
