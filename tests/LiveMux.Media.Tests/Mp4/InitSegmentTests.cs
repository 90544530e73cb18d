using System.Buffers.Binary;
using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Tests.Codecs.H264;

namespace LiveMux.Media.Tests.Mp4;

public sealed class InitSegmentTests
{
    private static readonly SpsSamples.Sample Baseline = SpsSamples.All["baseline_320x240"];

    internal static TrackConfig Avc1Track(SpsSamples.Sample sample)
    {
        Assert.True(Sps.TryParse(sample.SpsBytes, out var sps, out _));
        var avcC = AvcConfigurationRecord.Build(sample.SpsBytes, sample.PpsBytes, sps);
        return new TrackConfig
        {
            Kind = TrackKind.Video,
            Codec = sps.CodecString,
            Timescale = 90000,
            Width = sps.Width,
            Height = sps.Height,
            FrameRate = sps.FrameRate,
            SampleEntry = VisualSampleEntry.Build(FourCc.Avc1, sps.Width, sps.Height, FourCc.AvcC, avcC),
        };
    }

    [Fact]
    public void Box_tree_is_complete_and_in_order()
    {
        var init = InitSegment.Build([Avc1Track(Baseline)]);
        var boxes = TestBoxWalker.Walk(init);

        Assert.Equal(
            "ftyp moov[mvhd trak[tkhd mdia[mdhd hdlr minf[vmhd dinf[dref[url ]] stbl[stsd[avc1[avcC]] stts stsc stco stsz]]]] mvex[trex]]",
            string.Join(' ', boxes));

        var ftyp = boxes[0].Body;
        Assert.Equal("iso5", System.Text.Encoding.ASCII.GetString(ftyp, 0, 4));

        var stbl = boxes[1].Child("trak").Child("mdia").Child("minf").Child("stbl");
        var stsd = stbl.Child("stsd");
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(stsd.Body.AsSpan(4))); // entry_count
        foreach (var empty in new[] { "stts", "stsc", "stco" })
        {
            Assert.Equal(new byte[8], stbl.Child(empty).Body); // version/flags + entry_count 0
        }

        Assert.Equal(new byte[12], stbl.Child("stsz").Body); // sample_size 0, sample_count 0

        var avc1 = stsd.Child("avc1");
        Assert.Equal(320, BinaryPrimitives.ReadUInt16BigEndian(avc1.Body.AsSpan(24)));
        Assert.Equal(240, BinaryPrimitives.ReadUInt16BigEndian(avc1.Body.AsSpan(26)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(avc1.Body.AsSpan(6))); // data_reference_index

        // avcC, by hand: version 1, profile/compat/level from the SPS, 4-byte lengths, 1 SPS, 1 PPS.
        Assert.Equal(
            "0142C00DFFE1" + "0018" + Baseline.Sps.ToUpperInvariant() + "01" + "0005" + Baseline.Pps.ToUpperInvariant(),
            Convert.ToHexString(avc1.Child("avcC").Body));

        var hdlr = boxes[1].Child("trak").Child("mdia").Child("hdlr").Body;
        Assert.Equal("vide", System.Text.Encoding.ASCII.GetString(hdlr, 8, 4));
        var mdhd = boxes[1].Child("trak").Child("mdia").Child("mdhd").Body;
        Assert.Equal(90000u, BinaryPrimitives.ReadUInt32BigEndian(mdhd.AsSpan(12)));

        // trex: track 1, sample description 1, no defaults.
        Assert.Equal("00000000" + "00000001" + "00000001" + "00000000" + "00000000" + "00000000", Convert.ToHexString(boxes[1].Child("mvex").Child("trex").Body));

        // No edit list for live.
        Assert.DoesNotContain("edts", System.Text.Encoding.ASCII.GetString(init));
    }

    [Fact]
    public void An_edit_list_shifts_a_viewer_timeline_to_start_at_its_first_frame()
    {
        const long origin = 0x1_0000_0002L; // past 32 bits, as tfdt is after 13 h at 90 kHz
        var init = InitSegment.Build([Avc1Track(Baseline)], [origin]);
        var boxes = TestBoxWalker.Walk(init);

        var trak = boxes[1].Child("trak");
        Assert.Equal("trak[tkhd edts[elst] mdia[mdhd hdlr minf[vmhd dinf[dref[url ]] stbl[stsd[avc1[avcC]] stts stsc stco stsz]]]]", trak.ToString());

        // 14496-12 8.6.6, version 1: entry_count 1, segment_duration 0 (whole track), media_time, rate 1.0.
        Assert.Equal(
            Convert.FromHexString("01000000" + "00000001" + "0000000000000000" + "0000000100000002" + "0001" + "0000"),
            trak.Child("edts").Child("elst").Body);

        // Without offsets the init is the shared one, with no edit list.
        Assert.DoesNotContain("edts", string.Join(' ', TestBoxWalker.Walk(InitSegment.Build([Avc1Track(Baseline)]))));
    }

    [Fact]
    public void Mvhd_and_tkhd_match_hand_written_bytes()
    {
        var init = InitSegment.Build([Avc1Track(Baseline)]);
        var moov = TestBoxWalker.Walk(init)[1];
        const string Matrix = "00010000 00000000 00000000 00000000 00010000 00000000 00000000 00000000 40000000";

        var mvhd = moov.Child("mvhd");
        Assert.Equal(108, mvhd.Size);
        Assert.Equal(Hex(
            "00000000", //                 version 0, flags 0
            "00000000 00000000", //        creation, modification time
            "000003E8", //                 timescale 1000
            "00000000", //                 duration unknown (live)
            "00010000 0100", //            rate 1.0, volume 1.0
            "0000 00000000 00000000", //   reserved
            Matrix,
            "000000000000000000000000000000000000000000000000", // pre_defined
            "00000002"), //                next_track_ID
            Convert.ToHexString(mvhd.Body));

        var tkhd = moov.Child("trak").Child("tkhd");
        Assert.Equal(92, tkhd.Size);
        Assert.Equal(Hex(
            "00000003", //                 version 0, flags enabled|in_movie
            "00000000 00000000", //        creation, modification time
            "00000001", //                 track_ID
            "00000000", //                 reserved
            "00000000", //                 duration
            "00000000 00000000", //        reserved
            "0000 0000 0000 0000", //      layer, alternate_group, volume 0 for video, reserved
            Matrix,
            "01400000 00F00000"), //       width 320.0, height 240.0 (16.16)
            Convert.ToHexString(tkhd.Body));
    }

    [Theory]
    [MemberData(nameof(SpsSamples.Names), MemberType = typeof(SpsSamples))]
    public void Every_sample_sps_gives_a_consistent_tree(string name)
    {
        var sample = SpsSamples.All[name];
        var init = InitSegment.Build([Avc1Track(sample)]);
        var moov = TestBoxWalker.Walk(init)[1];
        var tkhd = moov.Child("trak").Child("tkhd").Body;
        Assert.Equal((uint)sample.Width << 16, BinaryPrimitives.ReadUInt32BigEndian(tkhd.AsSpan(76)));
        Assert.Equal((uint)sample.Height << 16, BinaryPrimitives.ReadUInt32BigEndian(tkhd.AsSpan(80)));
        var avcC = moov.Child("trak").Child("mdia").Child("minf").Child("stbl").Child("stsd").Child("avc1").Child("avcC").Body;
        Assert.Equal(sample.SpsBytes[1..4], avcC[1..4]);
    }

    private static string Hex(params string[] parts) => string.Concat(parts).Replace(" ", "");
}
