using LiveMux.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Client;

namespace LiveMux.Rtsp.Tests.Server;

/// <summary>LiveMux's own RTSP client reads the server, as it reads the demo stream and every camera.</summary>
public sealed class RtspClientReadsServerTests
{
    [Fact]
    public async Task The_client_plays_the_server_from_a_keyframe_without_loss()
    {
        await using var host = ServerTestHost.Start();
        host.StartPublishing(fps: 30, gop: 15, frameBytes: 2500);
        var client = new RtspClient(new RtspClientOptions(), NullLogger.Instance, TimeProvider.System);
        Assert.True(RtspUrl.TryParse(host.Url.ToString(), out var url, out var error), error);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var session = await client.PlayAsync(url, _ => true, timeout.Token);
        var sink = new Sink(frames: 45);
        await using (session)
        {
            var track = Assert.Single(session.Tracks);
            Assert.Equal("H264", track.EncodingName);
            Assert.Equal(Convert.ToBase64String(ServerTestHost.Sps) + "," + Convert.ToBase64String(ServerTestHost.Pps),
                track.FormatParameters["sprop-parameter-sets"]);
            using var run = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var playing = session.RunAsync(sink, run.Token);
            await sink.Enough.Task.WaitAsync(timeout.Token);
            await run.CancelAsync();
            await playing;
        }
        Assert.Equal([7, 8, 5], sink.FirstNalTypes); // SPS and PPS (in a STAP-A) before the first IDR
        Assert.Equal(0, sink.SequenceGaps);
        Assert.Equal(0, sink.Malformed);
        Assert.Equal(0, sink.TimestampGaps);
    }

    private sealed class Sink(int frames) : IRtpSink
    {
        private int? _lastSequence;
        private uint? _lastFrameTimestamp;
        private int _frames;

        public List<int> FirstNalTypes { get; } = [];
        public int SequenceGaps { get; private set; }
        public int Malformed { get; private set; }
        public int TimestampGaps { get; private set; }
        public TaskCompletionSource Enough { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnRtcpPacket(int trackIndex, ReadOnlySpan<byte> packet)
        {
        }

        public void OnMalformedRtp(int trackIndex, RtpParseStatus status, int size) => Malformed++;

        public void OnRtpPacket(int trackIndex, in RtpPacket packet, int size)
        {
            var sequence = packet.SequenceNumber;
            if (_lastSequence is { } last && (ushort)(last + 1) != sequence)
            {
                SequenceGaps++;
            }
            _lastSequence = sequence;
            if (_frames == 0)
            {
                FirstNalTypes.AddRange(Rfc6184NalTypes.Of(packet.Payload.ToArray(), headerLength: 0));
            }
            if (packet.Marker)
            {
                var timestamp = packet.Timestamp;
                if (_lastFrameTimestamp is { } previous && timestamp - previous != 3000)
                {
                    TimestampGaps++;
                }
                _lastFrameTimestamp = timestamp;
                if (++_frames >= frames)
                {
                    Enough.TrySetResult();
                }
            }
        }
    }
}
