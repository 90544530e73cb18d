using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Client;
using LiveMux.Rtsp.Rtp;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Rtsp.Tests.Rtp;

/// <summary>RTP pushed to us one packet at a time (a publisher): parsed, counted, and over UDP put back in order.</summary>
public sealed class RtpInboundTests
{
    private readonly FakeTimeProvider _time = new();

    private static byte[] Packet(ushort seq, byte payloadType = 96, uint timestamp = 0) =>
    [
        0x80, payloadType, (byte)(seq >> 8), (byte)seq,
        (byte)(timestamp >> 24), (byte)(timestamp >> 16), (byte)(timestamp >> 8), (byte)timestamp,
        0, 0, 0x12, 0x34, (byte)seq,
    ];

    [Fact]
    public void Over_tcp_packets_pass_in_arrival_order_and_are_counted()
    {
        using var inbound = new RtpInbound([90000], reorder: false, _time);
        var sink = new Sink();
        inbound.OnRtp(0, Packet(10), sink);
        inbound.OnRtp(0, Packet(12), sink);
        inbound.OnRtp(0, Packet(11), sink);
        Assert.Equal([10, 12, 11], sink.Sequences);
        var stats = inbound.Snapshot()[0];
        Assert.Equal(3, stats.PacketsReceived);
        Assert.Equal(3, stats.PacketsExpected);
    }

    [Fact]
    public void Over_udp_packets_are_put_back_in_order_and_a_gap_is_given_up_after_the_wait()
    {
        using var inbound = new RtpInbound([90000], reorder: true, _time, reorderMaxWait: TimeSpan.FromMilliseconds(50));
        var sink = new Sink();
        inbound.OnRtp(0, Packet(10), sink);
        inbound.OnRtp(0, Packet(12), sink);
        inbound.OnRtp(0, Packet(11), sink);
        Assert.Equal([10, 11, 12], sink.Sequences);

        inbound.OnRtp(0, Packet(14), sink);
        Assert.Equal([10, 11, 12], sink.Sequences);
        _time.Advance(TimeSpan.FromMilliseconds(50));
        inbound.Poll(sink);
        Assert.Equal([10, 11, 12, 14], sink.Sequences);

        var stats = inbound.Snapshot()[0];
        Assert.Equal(1, stats.PacketsReordered);
        Assert.Equal(1, stats.PacketsSkipped);
        Assert.Equal(1, stats.PacketsLost);
    }

    [Fact]
    public void What_is_held_comes_out_at_the_flush()
    {
        using var inbound = new RtpInbound([90000], reorder: true, _time);
        var sink = new Sink();
        inbound.OnRtp(0, Packet(1), sink);
        inbound.OnRtp(0, Packet(3), sink);
        inbound.Flush(sink);
        Assert.Equal([1, 3], sink.Sequences);
    }

    public static TheoryData<byte[], RtpParseStatus> Garbage => new()
    {
        { [0x80], RtpParseStatus.TooShort },
        { [0x40, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x65], RtpParseStatus.BadVersion },
        { [0xA0, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x65, 0xFF], RtpParseStatus.BadPadding },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_is_reported_as_malformed_over_both_transports(byte[] garbage, RtpParseStatus status)
    {
        foreach (var reorder in new[] { false, true })
        {
            using var inbound = new RtpInbound([90000], reorder, _time);
            var sink = new Sink();
            inbound.OnRtp(0, garbage, sink);
            inbound.OnRtp(5, Packet(1), sink);
            Assert.Equal([status], sink.Malformed);
            Assert.Empty(sink.Sequences);
        }
    }

    [Fact]
    public void Only_rtcp_version_2_reaches_the_sink()
    {
        var sink = new Sink();
        RtpInbound.OnRtcp(0, [1, 2, 3, 4], sink);
        RtpInbound.OnRtcp(0, [0x80, 200, 0, 6], sink);
        Assert.Equal(1, sink.Rtcp);
    }

    private sealed class Sink : IRtpSink
    {
        public List<int> Sequences { get; } = [];

        public List<RtpParseStatus> Malformed { get; } = [];

        public int Rtcp { get; private set; }

        public void OnRtpPacket(int trackIndex, in RtpPacket packet, int size) => Sequences.Add(packet.SequenceNumber);

        public void OnMalformedRtp(int trackIndex, RtpParseStatus status, int size) => Malformed.Add(status);

        public void OnRtcpPacket(int trackIndex, ReadOnlySpan<byte> packet) => Rtcp++;
    }
}
