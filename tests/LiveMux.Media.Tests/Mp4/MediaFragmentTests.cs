using LiveMux.Media.Mp4;

namespace LiveMux.Media.Tests.Mp4;

public sealed class MediaFragmentTests
{
    private static readonly byte[] Sample = [0x00, 0x00, 0x00, 0x01, 0x65];

    // Written by hand from ISO/IEC 14496-12 8.16.5 and 8.8, box by box. prft v1 is 32 bytes; moof is 104:
    // 8 (moof) + 16 (mfhd) + 8 (traf) + 16 (tfhd) + 20 (tfdt v1) + 36 (trun v1, one sample, 4 fields + offset).
    private const string SyncFragment =
        "00000020 70726674 01000000" + //              prft, 32 bytes, version 1, flags 0
        "00000001" + //                                reference_track_ID 1
        "E8D1A2B3 80000000" + //                       ntp_timestamp: second 0xE8D1A2B3 + 1/2
        "0000000123456789" + //                        media_time = tfdt + cto
        "00000068 6D6F6F66" + //                       moof, 104 bytes
        "00000010 6D666864 00000000 00000007" + //     mfhd, sequence_number 7
        "00000050 74726166" + //                       traf, 80 bytes
        "00000010 74666864 00020000 00000001" + //     tfhd, flags default-base-is-moof, track_ID 1
        "00000014 74666474 01000000 0000000123456789" + // tfdt v1, baseMediaDecodeTime 0x123456789 (> 32 bits)
        "00000024 7472756E 01000F01" + //              trun v1, flags data-offset|duration|size|flags|cto
        "00000001" + //                                sample_count 1
        "00000070" + //                                data_offset 112 = moof 104 + mdat header 8 (prft not counted)
        "00000BB8" + //                                sample_duration 3000
        "00000005" + //                                sample_size 5
        "02000000" + //                                sample_flags: sync (depends_on 2)
        "00000000" + //                                composition offset 0
        "0000000D 6D646174" + //                       mdat, 13 bytes
        "0000000165"; //                               the sample

    private const string NonSyncFragment =
        "00000020 70726674 01000000 00000002 0000000000000000" +
        "0000000000000000" + //                        media_time: dts 0 - 3000 is before the start, clamped to 0
        "00000068 6D6F6F66" +
        "00000010 6D666864 00000000 FFFFFFFF" + //     mfhd, sequence_number 2^32-1
        "00000050 74726166" +
        "00000010 74666864 00020000 00000002" + //     track_ID 2
        "00000014 74666474 01000000 0000000000000000" +
        "00000024 7472756E 01000F01 00000001 00000070" +
        "00000001" + //                                sample_duration 1
        "00000005" +
        "01010000" + //                                sample_flags: depends_on 1, non-sync
        "FFFFF448" + //                                composition offset -3000 (signed, trun v1)
        "0000000D 6D646174 0000000165";

    private const string BFrameFragment =
        "00000020 70726674 01000000 00000001 FFFFFFFF FFFFFFFF" + // the largest NTP time
        "0000000000004650" + //                        media_time 18000 = dts 12000 + cto 6000
        "00000068 6D6F6F66" +
        "00000010 6D666864 00000000 00000003" +
        "00000050 74726166" +
        "00000010 74666864 00020000 00000001" +
        "00000014 74666474 01000000 0000000000002EE0" + // baseMediaDecodeTime 12000
        "00000024 7472756E 01000F01 00000001 00000070" +
        "00000BB8 00000005 01010000" +
        "00001770" + //                                composition offset +6000: a P shown two frames after its decode
        "0000000D 6D646174 0000000165";

    public static TheoryData<string, uint, uint, ulong, uint, bool, int, ulong> Goldens => new()
    {
        { BFrameFragment, 3, 1, 12000, 3000, false, 6000, ulong.MaxValue },
        { SyncFragment, 7, 1, 0x123456789, 3000, true, 0, 0xE8D1A2B3_80000000 },
        { NonSyncFragment, uint.MaxValue, 2, 0, 1, false, -3000, 0 },
    };

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Fragment_matches_hand_written_bytes(string golden, uint sequence, uint track, ulong decodeTime, uint duration, bool sync, int cto, ulong ntp)
    {
        var buffer = new byte[256];
        buffer.AsSpan().Fill(0xCC);
        var written = MediaFragment.Write(buffer, new FragmentHeader(sequence, track, decodeTime, duration, Sample.Length, sync, cto, ntp), Sample);

        Assert.Equal(golden.Replace(" ", ""), Convert.ToHexString(buffer, 0, written));
        Assert.Equal(MediaFragment.HeaderSize + Sample.Length, written);
        Assert.Equal(0xCC, buffer[written]); // nothing written past the end
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_536)]
    public void Trun_data_offset_points_at_the_sample_and_the_box_tree_is_consistent(int sampleSize)
    {
        var sample = new byte[sampleSize];
        new Random(sampleSize).NextBytes(sample);
        var buffer = new byte[MediaFragment.HeaderSize + sampleSize];
        var written = MediaFragment.Write(buffer, new FragmentHeader(1, 1, 90000, 3000, sampleSize, false), sample);

        var boxes = TestBoxWalker.Walk(buffer.AsSpan(0, written));
        Assert.Equal("prft moof[mfhd traf[tfhd tfdt trun]] mdat", string.Join(' ', boxes));
        var trun = boxes[1].Child("traf").Child("trun").Body;
        var dataOffset = (trun[8] << 24) | (trun[9] << 16) | (trun[10] << 8) | trun[11];
        Assert.Equal(boxes[1].Size + 8, dataOffset);
        Assert.Equal(sample, buffer.AsSpan(boxes[1].Offset + dataOffset, sampleSize).ToArray());
        Assert.Equal(sampleSize + 8, boxes[2].Size);
    }

    [Fact]
    public void WriteHeader_then_sample_equals_Write()
    {
        var header = new FragmentHeader(3, 1, 12345, 3000, Sample.Length, true);
        var a = new byte[MediaFragment.HeaderSize + Sample.Length];
        var b = new byte[a.Length];
        MediaFragment.Write(a, header, Sample);
        MediaFragment.WriteHeader(b, header);
        Sample.CopyTo(b, MediaFragment.HeaderSize);
        Assert.Equal(a, b);
    }
}
