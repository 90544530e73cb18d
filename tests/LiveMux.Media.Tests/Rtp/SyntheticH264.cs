using System.Buffers.Binary;
using LiveMux.Media.Rtp;
using LiveMux.Media.Tests.Bits;
using LiveMux.Media.Tests.Codecs.H264;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// Frames made of real parameter sets and synthetic slices. A slice has a real slice header start
/// (first_mb_in_slice, slice_type, pps id) and deterministic filler that names its frame and slice, so an
/// access unit that comes out can be traced back to exactly one input frame.
/// </summary>
internal static class SyntheticH264
{
    public const uint FrameTicks = 3000; // 30 fps at 90 kHz

    public static readonly byte[] Sps320 = SpsSamples.All["baseline_320x240"].SpsBytes;
    public static readonly byte[] Pps320 = SpsSamples.All["baseline_320x240"].PpsBytes;
    public static readonly byte[] Sps640 = SpsSamples.All["main_640x360_cropped"].SpsBytes;
    public static readonly byte[] Pps640 = SpsSamples.All["main_640x360_cropped"].PpsBytes;
    public static readonly byte[] Sps1080 = SpsSamples.All["high_1920x1080_cropped"].SpsBytes;
    public static readonly byte[] Pps1080 = SpsSamples.All["high_1920x1080_cropped"].PpsBytes;

    public static readonly byte[] Aud = [0x09, 0xF0];
    public static readonly byte[] Filler = [0x0C, 0xFF, 0xFF, 0xFF, 0x80];
    public static readonly byte[] Sei = [0x06, 0x05, 0x01, 0xAA, 0x80];

    public static byte[] Slice(bool idr, int frame, int slice, int firstMb, int size)
    {
        var header = new TestBitWriter().Ue((uint)firstMb).Ue(idr ? 7u : 5u).Ue(0).ToArray();
        var nal = new byte[Math.Max(size, 1 + header.Length + 4)];
        nal[0] = idr ? (byte)0x65 : (byte)0x41;
        header.CopyTo(nal, 1);
        var random = new Random((frame * 1000) + slice);
        random.NextBytes(nal.AsSpan(1 + header.Length));
        BinaryPrimitives.WriteUInt16BigEndian(nal.AsSpan(nal.Length - 4), (ushort)frame);
        nal[^2] = (byte)slice;
        nal[^1] = 0x80; // rbsp stop bit, never a zero byte at the end
        return nal;
    }

    public sealed record Stream(
        int Frames = 6,
        int Gop = 3,
        int SlicesPerFrame = 1,
        int IdrSliceBytes = 3000,
        int SliceBytes = 300,
        bool ParameterSetsInBand = true,
        bool AudAndFiller = false,
        uint FirstTimestamp = 90000,
        byte[]? Sps = null,
        byte[]? Pps = null);

    public static List<TestFrame> Frames(Stream s)
    {
        var frames = new List<TestFrame>();
        for (var f = 0; f < s.Frames; f++)
        {
            var idr = f % s.Gop == 0;
            var nals = new List<byte[]>();
            if (s.AudAndFiller)
            {
                nals.Add(Aud);
            }

            if (idr && s.ParameterSetsInBand)
            {
                nals.Add(s.Sps ?? Sps320);
                nals.Add(s.Pps ?? Pps320);
                nals.Add(Sei);
            }

            for (var i = 0; i < s.SlicesPerFrame; i++)
            {
                nals.Add(Slice(idr, f, i, i * 300 / s.SlicesPerFrame, idr ? s.IdrSliceBytes : s.SliceBytes));
            }

            if (s.AudAndFiller)
            {
                nals.Add(Filler);
            }

            frames.Add(new TestFrame(unchecked(s.FirstTimestamp + ((uint)f * FrameTicks)), nals));
        }

        return frames;
    }

    /// <summary>What the depacketizer should hand out for a frame: its sample NAL units with 4-byte lengths.</summary>
    public static byte[] ExpectedSample(TestFrame frame)
    {
        var output = new List<byte>();
        foreach (var nal in frame.Nals)
        {
            if ((nal[0] & 0x1F) is 7 or 8 or 9 or 12)
            {
                continue;
            }

            output.AddRange([(byte)(nal.Length >> 24), (byte)(nal.Length >> 16), (byte)(nal.Length >> 8), (byte)nal.Length]);
            output.AddRange(nal);
        }

        return [.. output];
    }

    public static bool IsIdr(TestFrame frame) => frame.Nals.Any(n => (n[0] & 0x1F) == 5);
}
