using System.Buffers.Binary;
using LiveMux.Media.Formats;
using LiveMux.Rtsp.Server;

namespace LiveMux.Rtsp.Tests.Server;

public sealed class RtpEgressTests
{
    [Fact]
    public void The_track_is_announced_with_the_formats_lines_then_the_extra_ones()
    {
        var format = new H264Format(96, ServerTestHost.Sps, ServerTestHost.Pps);
        var egress = new RtpEgress(format, new RtpEgressOptions { PayloadType = 100, SdpAttributes = ["framerate:30"] });
        Assert.Equal("video", egress.Track.Sdp.MediaType);
        Assert.Equal(100, egress.Track.Sdp.PayloadType);
        Assert.Equal([.. format.SdpAttributes(100), "framerate:30"], egress.Track.Sdp.Attributes);
    }

    [Fact]
    public void A_frame_holds_the_units_packets_in_order_with_the_tracks_ssrc_and_timestamp()
    {
        var egress = ServerTestHost.Video(initialTimestamp: 1000);
        var frame = egress.Packetize(ServerTestHost.Frame(idr: true, 3000), 90_000, isKeyframe: true);
        Assert.True(frame.IsKeyframe);
        Assert.Equal(91_000u, frame.Timestamp);
        Assert.Equal(4, frame.PacketCount); // SPS + PPS in a STAP-A, then three FU-A
        var data = frame.Data.ToArray();
        ushort? previous = null;
        for (int i = 0, at = 0; i < frame.PacketCount; at += frame.PacketLength(i++))
        {
            var packet = data.AsSpan(at, frame.PacketLength(i));
            Assert.Equal(egress.Track.Ssrc, BinaryPrimitives.ReadUInt32BigEndian(packet[8..]));
            Assert.Equal(91_000u, BinaryPrimitives.ReadUInt32BigEndian(packet[4..]));
            Assert.Equal(i == frame.PacketCount - 1, (packet[1] & 0x80) != 0);
            var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
            Assert.True(previous is null || sequence == (ushort)(previous + 1));
            previous = sequence;
        }
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0, 0, 0, 9, 0x41 })] // a length past the end
    public void A_unit_the_packetizer_refuses_throws(byte[] unit) =>
        Assert.Throws<ArgumentException>(() => ServerTestHost.Video().Packetize(unit, 0, isKeyframe: false));

    [Theory]
    [InlineData(128, 1200)]
    [InlineData(96, 3)]
    [InlineData(96, 65_524)]
    public void Refuses_options_it_cannot_send(int payloadType, int maxPayload) =>
        Assert.Throws<ArgumentException>(() => new RtpEgress(new G711Format(8, aLaw: true),
            new RtpEgressOptions { PayloadType = payloadType, MaxPayloadSize = maxPayload }));

    [Fact]
    public void A_frame_allocates_its_own_buffers_and_nothing_more()
    {
        var egress = ServerTestHost.Video();
        var unit = ServerTestHost.Frame(idr: false, 20_000);
        for (var i = 0; i < 50; i++)
        {
            egress.Packetize(unit, i * 3000, isKeyframe: false); // grow the scratch buffers, past tiered compilation
        }

        const int Frames = 100;
        var before = GC.GetAllocatedBytesForCurrentThread();
        long frameBytes = 0;
        for (var i = 0; i < Frames; i++)
        {
            var frame = egress.Packetize(unit, i * 3000, isKeyframe: false);
            frameBytes += frame.Length + (4 * frame.PacketCount);
        }

        // Per frame: the RtpFrame, its data array and its packet-length array (with their object headers).
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, frameBytes, frameBytes + (Frames * 160));
    }
}
