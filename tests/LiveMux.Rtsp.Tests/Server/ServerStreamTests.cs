using LiveMux.Media.Formats;
using LiveMux.Rtsp.Server;

namespace LiveMux.Rtsp.Tests.Server;

public sealed class ServerStreamTests
{
    private static readonly RtpEgress Video = ServerTestHost.Video();
    private static readonly RtspTrack Audio = new(new G711Format(8, aLaw: true).SdpSection(8), 0x1234);

    // Frames written before a subscriber joins, per track: V keyframe / v other on the video track, a on the
    // audio track; '!' writes a video frame larger than the GOP limit. -> what the joiner gets at once.
    [Theory]
    [InlineData("", "")]                               // nothing yet: live only
    [InlineData("vv", "")]                             // no keyframe yet: a joiner waits for one
    [InlineData("Vvv", "Vvv")]                         // the GOP so far
    [InlineData("VvvVv", "Vv")]                        // only the last GOP
    [InlineData("aVavav", "Vavav")]                    // audio from the video keyframe on
    [InlineData("Vv!v", "")]                           // a GOP over the limit is not kept...
    [InlineData("Vv!vVa", "Va")]                       // ...until the next keyframe
    public void A_joiner_gets_the_last_gop_at_once_then_live(string written, string expected)
    {
        var stream = new ServerStream([Video.Track, Audio], maxGopBytes: 10_000);
        var timestamp = 0u;
        foreach (var c in written)
        {
            Write(stream, c, timestamp += 3000);
        }

        var joiner = new Recorder();
        using var subscription = stream.Subscribe(joiner);
        Assert.Equal(expected, joiner.Frames);
        Assert.Equal(expected.Length, stream.CachedFrames);

        // The first frame a joiner gets is what RTP-Info announces for its track.
        if (expected.Length > 0)
        {
            Assert.Equal(joiner.FirstTimestamp, stream.StartTimestamp(expected[0] == 'a' ? 1 : 0));
        }

        Write(stream, 'v', timestamp += 3000);
        Assert.Equal(expected + "v", joiner.Frames);
    }

    [Fact]
    public void Start_timestamp_is_the_newest_frames_without_a_cached_gop_and_null_before_any()
    {
        var stream = new ServerStream([Video.Track, Audio]);
        Assert.Null(stream.StartTimestamp(0));
        Write(stream, 'v', 6000);
        Assert.Equal(6000u, stream.StartTimestamp(0));
        Assert.Null(stream.StartTimestamp(1));
        Write(stream, 'V', 9000);
        Write(stream, 'v', 12000);
        Write(stream, 'a', 12500);
        Assert.Equal(9000u, stream.StartTimestamp(0));
        Assert.Equal(12500u, stream.StartTimestamp(1));
    }

    private static void Write(ServerStream stream, char c, uint timestamp)
    {
        switch (c)
        {
            case 'a':
                stream.WriteFrame(1, new RtpFrame(new byte[172], [172], timestamp, isKeyframe: true));
                break;
            case '!':
                stream.WriteFrame(0, Video.Packetize(ServerTestHost.Frame(false, 20_000), timestamp, isKeyframe: false));
                break;
            default:
                stream.WriteFrame(0, Video.Packetize(ServerTestHost.Frame(c == 'V', 1000), timestamp, isKeyframe: c == 'V'));
                break;
        }
    }

    private sealed class Recorder : IRtpFrameSubscriber
    {
        public string Frames { get; private set; } = "";

        public uint? FirstTimestamp { get; private set; }

        private bool _live;

        public void OnFrame(int track, RtpFrame frame, bool cached)
        {
            Assert.False(cached && _live, "a cached frame after a live one"); // the burst first, then live
            _live |= !cached;
            FirstTimestamp ??= frame.Timestamp;
            Frames += track == 1 ? "a" : frame.IsKeyframe ? "V" : frame.Length > 10_000 ? "!" : "v";
        }
    }
}
