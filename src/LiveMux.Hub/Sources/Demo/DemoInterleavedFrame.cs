using System.Buffers.Binary;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// Writes one access unit as RTP packets in RTSP interleaved framing (RFC 2326 section 10.12), ready to be
/// written to the socket in one call.
/// </summary>
/// <remarks>
/// <code>
///   +------+---------+-------------------+------------------------+
///   | '$'  | channel | length (16 bit BE) | RTP packet (length B)  |  ... one per packet
///   +------+---------+-------------------+------------------------+
/// </code>
/// SPS and PPS go before every IDR, in-band, as cameras send them, so a client can join at any IDR.
/// </remarks>
internal static class DemoInterleavedFrame
{
    public const int PrefixSize = 4;

    public static int GetSize(DemoClipContent clip, DemoAccessUnit au, int maxPayload)
    {
        int size = 0;
        if (au.IsIdr)
        {
            size += NalSize(clip.Sps.Length, maxPayload) + NalSize(clip.Pps.Length, maxPayload);
        }

        foreach (ReadOnlyMemory<byte> nal in au.NalUnits)
        {
            size += NalSize(nal.Length, maxPayload);
        }

        return size;
    }

    /// <summary>Writes the frame; packets take sequence numbers from <paramref name="sequence"/> on.</summary>
    /// <returns>Bytes written and the number of packets (sequence numbers) used.</returns>
    public static (int Bytes, int Packets) Write(
        DemoClipContent clip, DemoAccessUnit au, byte channel, ushort sequence, uint timestamp, uint ssrc, int maxPayload, Span<byte> destination)
    {
        int offset = 0;
        int packets = 0;
        if (au.IsIdr)
        {
            WriteNal(clip.Sps.Span, false, channel, sequence, timestamp, ssrc, maxPayload, destination, ref offset, ref packets);
            WriteNal(clip.Pps.Span, false, channel, sequence, timestamp, ssrc, maxPayload, destination, ref offset, ref packets);
        }

        for (int i = 0; i < au.NalUnits.Count; i++)
        {
            bool last = i == au.NalUnits.Count - 1;
            WriteNal(au.NalUnits[i].Span, last, channel, sequence, timestamp, ssrc, maxPayload, destination, ref offset, ref packets);
        }

        return (offset, packets);
    }

    private static void WriteNal(
        ReadOnlySpan<byte> nal, bool last, byte channel, ushort sequence, uint timestamp, uint ssrc, int maxPayload,
        Span<byte> destination, ref int offset, ref int packets)
    {
        int count = H264Packetizer.GetPacketCount(nal.Length, maxPayload);
        for (int i = 0; i < count; i++)
        {
            var header = new H264Packetizer.HeaderFields(DemoSdp.PayloadType, unchecked((ushort)(sequence + packets)), timestamp, ssrc);
            H264Packetizer.Status status = H264Packetizer.WritePacket(
                nal, i, header, last, destination[(offset + PrefixSize)..], out int written, maxPayload);
            if (status != H264Packetizer.Status.Done)
            {
                // Sizes come from GetSize over the same clip, so this is a programming error, not bad input.
                throw new InvalidOperationException($"Packetizing the demo clip failed: {status}.");
            }

            Span<byte> prefix = destination.Slice(offset, PrefixSize);
            prefix[0] = (byte)'$';
            prefix[1] = channel;
            BinaryPrimitives.WriteUInt16BigEndian(prefix[2..], (ushort)written);
            offset += PrefixSize + written;
            packets++;
        }
    }

    private static int NalSize(int nalLength, int maxPayload)
        => H264Packetizer.GetPacketizedSize(nalLength, maxPayload)
           + (PrefixSize * H264Packetizer.GetPacketCount(nalLength, maxPayload));
}
