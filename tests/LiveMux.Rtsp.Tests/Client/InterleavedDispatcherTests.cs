using System.Buffers;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Client;
using LiveMux.Rtsp.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Rtsp.Tests.Client;

public sealed class InterleavedDispatcherTests
{
    private static readonly byte[] s_rtp = Convert.FromHexString("80E0002A00000BB80BADF00D658884");
    private static readonly byte[] s_rtcp = Convert.FromHexString("81C9000100000001");

    // Tracks on channels 6 (RTCP 7) and 2 (RTCP 3). Frame: channel, payload kind; what the sink sees.
    [Theory]
    [InlineData(6, "rtp", "rtp 0 seq 42 pt 96 marker 3 bytes")]
    [InlineData(2, "rtp", "rtp 1 seq 42 pt 96 marker 3 bytes")]
    [InlineData(7, "rtcp", "rtcp 0")]
    [InlineData(3, "rtcp", "rtcp 1")]
    [InlineData(0, "rtp", "")]                       // a channel nobody set up
    [InlineData(6, "short", "malformed 0 TooShort")]
    [InlineData(6, "v0", "malformed 0 BadVersion")]
    [InlineData(6, "split", "rtp 0 seq 42 pt 96 marker 3 bytes")] // payload in two segments: copied, parsed the same
    public void Routes_each_frame_by_channel(int channel, string payload, string seen)
    {
        var sink = new RecordingSink();
        var dispatcher = NewDispatcher(sink, out _);
        var bytes = payload switch
        {
            "rtp" or "split" => s_rtp,
            "rtcp" => s_rtcp,
            "short" => s_rtp[..11],
            _ => [0x00, .. s_rtp[1..]],
        };
        var sequence = payload == "split" ? Segmented.Split(bytes, 5) : new ReadOnlySequence<byte>(bytes);

        Assert.False(dispatcher.OnFrame(RtspFrame.ForInterleaved((byte)channel, sequence)));

        Assert.Equal(seen, sink.Seen);
    }

    [Fact]
    public void Counts_rtp_and_notes_when_media_arrived()
    {
        var dispatcher = NewDispatcher(new RecordingSink(), out var reception, out var time);
        var start = dispatcher.LastRtp;
        time.Advance(TimeSpan.FromSeconds(3));
        dispatcher.OnFrame(RtspFrame.ForInterleaved(7, new ReadOnlySequence<byte>(s_rtcp)));
        Assert.Equal(start, dispatcher.LastRtp); // RTCP is not media
        dispatcher.OnFrame(RtspFrame.ForInterleaved(6, new ReadOnlySequence<byte>(s_rtp)));
        Assert.Equal(TimeSpan.FromSeconds(3), time.GetElapsedTime(start, dispatcher.LastRtp));
        Assert.Equal(1, reception[0].Snapshot().PacketsReceived);
        Assert.Equal(0, reception[1].Snapshot().PacketsReceived);
    }

    [Fact]
    public void An_rtp_packet_allocates_nothing()
    {
        var dispatcher = NewDispatcher(new RecordingSink(), out _);
        var frame = RtspFrame.ForInterleaved(6, new ReadOnlySequence<byte>(s_rtp));
        var split = RtspFrame.ForInterleaved(6, Segmented.Split(s_rtp, 5));
        for (var i = 0; i < 1000; i++)
        {
            dispatcher.OnFrame(frame);
            dispatcher.OnFrame(split);
        }
        const int packets = 20_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < packets / 2; i++)
        {
            dispatcher.OnFrame(frame);
            dispatcher.OnFrame(split);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The runtime may allocate a few bytes once (tiered JIT replacing the loop); an allocation per packet would
        // be at least 24 bytes each, packets x 24 in all.
        Assert.True(allocated < packets, $"{allocated} bytes for {packets} packets");
    }

    private static InterleavedDispatcher NewDispatcher(IRtpSink sink, out TrackReception[] reception) =>
        NewDispatcher(sink, out reception, out _);

    private static InterleavedDispatcher NewDispatcher(IRtpSink sink, out TrackReception[] reception, out FakeTimeProvider time)
    {
        time = new FakeTimeProvider();
        reception = [new TrackReception(0, 90000, null), new TrackReception(1, 90000, null)];
        var keepalive = new Keepalive("OPTIONS", TimeSpan.FromSeconds(30), time.GetTimestamp(), time);
        // RTP and RTCP frames never reach the control connection (only server requests and responses do).
        return new InterleavedDispatcher([6, 2], reception, null!, keepalive, sink, 2048, time.GetTimestamp(), time, NullLogger.Instance);
    }

    private sealed class RecordingSink : IRtpSink
    {
        public string Seen { get; private set; } = "";

        public void OnRtpPacket(int trackIndex, in RtpPacket packet, int size)
        {
            // Only the first packet is described: the allocation test sends thousands.
            if (Seen.Length == 0)
            {
                Seen = $"rtp {trackIndex} seq {packet.SequenceNumber} pt {packet.PayloadType}{(packet.Marker ? " marker" : "")} {packet.Payload.Length} bytes";
            }
        }

        public void OnMalformedRtp(int trackIndex, RtpParseStatus status, int size) => Seen = $"malformed {trackIndex} {status}";

        public void OnRtcpPacket(int trackIndex, ReadOnlySpan<byte> packet) => Seen = $"rtcp {trackIndex}";
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    private static class Segmented
    {
        public static ReadOnlySequence<byte> Split(byte[] bytes, int at)
        {
            var first = new Segment(bytes.AsMemory(0, at), 0);
            var last = first.Append(bytes.AsMemory(at));
            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }
}
