using System.Buffers.Binary;
using LiveMux.Media.Tests.Codecs.H265;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// Frames made of real x265 parameter sets and synthetic slice segments. A segment starts like a real one
/// (first_slice_segment_in_pic_flag, then filler) and ends with bytes that name its frame and segment, so an
/// access unit that comes out can be traced back to exactly one input frame.
/// </summary>
internal static class SyntheticH265
{
    public const uint FrameTicks = 3000; // 30 fps at 90 kHz

    public static readonly H265SpsSamples.Sample Params = H265SpsSamples.All["main_320x180_cropped"];
    public static readonly byte[] Vps = Params.VpsBytes;
    public static readonly byte[] Sps = Params.SpsBytes;
    public static readonly byte[] Pps = Params.PpsBytes;

    public static readonly byte[] Aud = [0x46, 0x01, 0x50];
    public static readonly byte[] Filler = [0x4C, 0x01, 0xFF, 0xFF, 0x80];
    public static readonly byte[] PrefixSei = [0x4E, 0x01, 0x05, 0x01, 0xAA, 0x80];
    public static readonly byte[] SuffixSei = [0x50, 0x01, 0x05, 0x01, 0xBB, 0x80];

    /// <summary>Keyframe types: IDR_W_RADL (19), CRA (21); others: TRAIL_R (1), RASL_N (8).</summary>
    public static byte[] Slice(int type, int frame, int segment, int size)
    {
        var nal = new byte[Math.Max(size, 8)];
        nal[0] = (byte)(type << 1);
        nal[1] = 0x01;
        var random = new Random((frame * 1000) + segment);
        random.NextBytes(nal.AsSpan(2));
        nal[2] = segment == 0 ? (byte)(nal[2] | 0x80) : (byte)(nal[2] & 0x7F); // first_slice_segment_in_pic_flag
        BinaryPrimitives.WriteUInt16BigEndian(nal.AsSpan(nal.Length - 4), (ushort)frame);
        nal[^2] = (byte)segment;
        nal[^1] = 0x80;
        return nal;
    }

    public sealed record Stream(
        int Frames = 6,
        int Gop = 3,
        int SegmentsPerFrame = 1,
        int KeySliceBytes = 3000,
        int SliceBytes = 300,
        bool ParameterSetsInBand = true,
        bool AudAndFiller = false,
        int KeyframeType = 19,
        uint FirstTimestamp = 90000);

    public static List<TestFrame> Frames(Stream s)
    {
        var frames = new List<TestFrame>();
        for (var f = 0; f < s.Frames; f++)
        {
            var key = f % s.Gop == 0;
            var nals = new List<byte[]>();
            if (s.AudAndFiller)
            {
                nals.Add(Aud);
            }

            if (key && s.ParameterSetsInBand)
            {
                nals.AddRange([Vps, Sps, Pps]);
            }

            nals.Add(PrefixSei);
            for (var i = 0; i < s.SegmentsPerFrame; i++)
            {
                nals.Add(Slice(key ? s.KeyframeType : 1, f, i, key ? s.KeySliceBytes : s.SliceBytes));
            }

            nals.Add(SuffixSei);
            if (s.AudAndFiller)
            {
                nals.Add(Filler);
            }

            frames.Add(new TestFrame(unchecked(s.FirstTimestamp + ((uint)f * FrameTicks)), nals));
        }

        return frames;
    }

    /// <summary>What the depacketizer should hand out: the frame's sample NAL units with 4-byte lengths.</summary>
    public static byte[] ExpectedSample(TestFrame frame)
    {
        var output = new List<byte>();
        foreach (var nal in frame.Nals)
        {
            if (((nal[0] >> 1) & 0x3F) is 32 or 33 or 34 or 35 or 38)
            {
                continue;
            }

            output.AddRange([(byte)(nal.Length >> 24), (byte)(nal.Length >> 16), (byte)(nal.Length >> 8), (byte)nal.Length]);
            output.AddRange(nal);
        }

        return [.. output];
    }
}
