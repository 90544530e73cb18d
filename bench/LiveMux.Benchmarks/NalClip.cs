using System.Buffers.Binary;

namespace LiveMux.Benchmarks;

/// <summary>How a clip's NAL units are put into RTP packets.</summary>
public enum NalPacketization
{
    /// <summary>One NAL unit per packet (RFC 6184 5.6, RFC 7798 4.4.1); every NAL unit fits the MTU.</summary>
    Single,

    /// <summary>FU-A (RFC 6184 5.8) / FU (RFC 7798 4.4.3) for NAL units over the MTU, single for the rest.</summary>
    Fragmented,

    /// <summary>All NAL units of a frame in one STAP-A (RFC 6184 5.7.1) / AP (RFC 7798 4.4.2).</summary>
    Aggregated,
}

/// <summary>
/// One GOP of synthetic H.264 or H.265 NAL units with real parameter sets, packetized for the benchmarks.
/// <code>
///   H.264 FU-A: [FU indicator: F NRI 28][FU header: S E R type][fragment]
///   H.264 STAP-A: [F NRI 24]([size 16][NAL])*
///   H.265 FU:   [PayloadHdr: type 49 (2)][FU header: S E type][fragment]
///   H.265 AP:   [PayloadHdr: type 48 (2)]([size 16][NAL])*
/// </code>
/// </summary>
internal static class NalClip
{
    public const int Mtu = 1400;
    public const uint FrameTicks = 3000;

    // x264 baseline 320x240 (tests/LiveMux.Media.Tests/Codecs/H264/SpsSamples.cs).
    private static readonly byte[] H264Sps = Convert.FromHexString("6742c00dd90141fb0110000003001000000303c0f142a480");
    private static readonly byte[] H264Pps = Convert.FromHexString("68cb83cb20");

    // x265 main 320x180 (tests/LiveMux.Media.Tests/Codecs/H265/H265SpsSamples.cs).
    private static readonly byte[] H265Vps = Convert.FromHexString("40010c01ffff01600000030090000003000003003c928090");
    private static readonly byte[] H265Sps = Convert.FromHexString("42010101600000030090000003000003003ca00a080b9f7964a924caf0168080000003008000000f04");
    private static readonly byte[] H265Pps = Convert.FromHexString("4401c172b46240");

    /// <summary>Frames of NAL units: a keyframe with parameter sets, then predicted frames, each of <paramref name="slices"/> slices.</summary>
    public static List<List<byte[]>> Gop(bool h265, int frames, int keySliceBytes, int sliceBytes, int slices)
    {
        var random = new Random(42);
        var gop = new List<List<byte[]>>();
        for (var f = 0; f < frames; f++)
        {
            var key = f == 0;
            List<byte[]> nals = !key ? [] : h265 ? [H265Vps, H265Sps, H265Pps] : [H264Sps, H264Pps];
            for (var s = 0; s < slices; s++)
            {
                var nal = new byte[key ? keySliceBytes : sliceBytes];
                random.NextBytes(nal);
                if (h265)
                {
                    nal[0] = (byte)((key ? 19 : 1) << 1); // IDR_W_RADL or TRAIL_R
                    nal[1] = 0x01;
                    nal[2] = s == 0 ? (byte)(nal[2] | 0x80) : (byte)(nal[2] & 0x7F); // first_slice_segment_in_pic_flag
                }
                else
                {
                    nal[0] = key ? (byte)0x65 : (byte)0x41;
                    nal[1] = s == 0 ? (byte)0x88 : (byte)0x48; // first_mb_in_slice ue(v): 0, then non-zero
                }

                nals.Add(nal);
            }

            gop.Add(nals);
        }

        return gop;
    }

    public static List<byte[]> Packetize(List<List<byte[]>> gop, bool h265, NalPacketization mode)
    {
        var packets = new List<byte[]>();
        uint timestamp = 0;
        foreach (var frame in gop)
        {
            var payloads = mode == NalPacketization.Aggregated ? [Aggregate(frame, h265)] : frame.SelectMany(n => Split(n, h265, mode)).ToList();
            for (var i = 0; i < payloads.Count; i++)
            {
                packets.Add(RtpReplay.Packet(payloads[i], 96, timestamp, marker: i == payloads.Count - 1));
            }

            timestamp += FrameTicks;
        }

        return packets;
    }

    private static IEnumerable<byte[]> Split(byte[] nal, bool h265, NalPacketization mode)
    {
        if (nal.Length <= Mtu)
        {
            yield return nal;
            yield break;
        }

        if (mode == NalPacketization.Single)
        {
            throw new InvalidOperationException($"a {nal.Length}-byte NAL unit does not fit the MTU unfragmented");
        }

        var header = h265 ? 2 : 1;
        var type = h265 ? (nal[0] >> 1) & 0x3F : nal[0] & 0x1F;
        var room = Mtu - header - 1;
        for (var offset = header; offset < nal.Length; offset += room)
        {
            var length = Math.Min(room, nal.Length - offset);
            var fu = new byte[header + 1 + length];
            if (h265)
            {
                fu[0] = (byte)((nal[0] & 0x81) | (49 << 1));
                fu[1] = nal[1];
            }
            else
            {
                fu[0] = (byte)((nal[0] & 0xE0) | 28);
            }

            fu[header] = (byte)((offset == header ? 0x80 : 0) | (offset + length == nal.Length ? 0x40 : 0) | type);
            nal.AsSpan(offset, length).CopyTo(fu.AsSpan(header + 1));
            yield return fu;
        }
    }

    private static byte[] Aggregate(List<byte[]> nals, bool h265)
    {
        var header = h265 ? 2 : 1;
        var packet = new byte[header + nals.Sum(n => 2 + n.Length)];
        if (packet.Length > Mtu)
        {
            throw new InvalidOperationException($"an aggregation packet of {packet.Length} bytes exceeds the MTU");
        }

        if (h265)
        {
            packet[0] = 48 << 1;
            packet[1] = 0x01;
        }
        else
        {
            packet[0] = (byte)(nals.Max(n => n[0] & 0x60) | 24);
        }

        var offset = header;
        foreach (var nal in nals)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(offset), (ushort)nal.Length);
            nal.CopyTo(packet, offset + 2);
            offset += 2 + nal.Length;
        }

        return packet;
    }
}
