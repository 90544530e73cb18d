using System.Buffers.Binary;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Rtp;

namespace LiveMux.Rtsp.Tests.Rtp;

public sealed class RtcpSenderReportWriterTests
{
    [Fact]
    public void Writes_a_compound_packet_whose_lengths_add_up_and_whose_report_reads_back()
    {
        var packet = new byte[RtcpSenderReportWriter.Length];
        var written = RtcpSenderReportWriter.Write(packet, 0x11223344, 0xE000_0000_8000_0000, 123456, 42, 4200);
        Assert.Equal(packet.Length, written);

        // RFC 3550 6.1: each packet's length field, in 32-bit words minus one, walks exactly to the end.
        var offset = 0;
        var types = new List<byte>();
        while (offset < packet.Length)
        {
            Assert.Equal(2, packet[offset] >> 6);
            types.Add(packet[offset + 1]);
            offset += (BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(offset + 2)) + 1) * 4;
        }

        Assert.Equal(packet.Length, offset);
        Assert.Equal([200, 202], types);
        Assert.True(RtcpSenderReport.TryFind(packet, out var report));
        Assert.Equal(new RtcpSenderReport(0x11223344, 0xE000_0000_8000_0000, 123456, 42, 4200), report);
        // The SDES chunk: the CNAME item, then at least one zero byte ending the list.
        Assert.Equal(1, packet[36]);
        Assert.Equal("livemux", System.Text.Encoding.ASCII.GetString(packet, 38, packet[37]));
        Assert.Equal(0, packet[38 + packet[37]]);
    }
}
