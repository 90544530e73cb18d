using LiveMux.Hub.Sources.Publish;
using LiveMux.Hub.Tests.Infrastructure;
using LiveMux.Hub.Tests.Sources.Ffmpeg;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Server;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Tests.Sources.Publish;

/// <summary>
/// A publish stream driven through its <see cref="IRtspPublishTarget"/> as the RTSP server drives it, with the
/// demo clip's real H.264 packetized by the production packetizer, on a fake clock.
/// </summary>
public sealed class PublishPointTests : IAsyncDisposable
{
    private const string Waiting = "waiting for the publisher";
    private static readonly TimeSpan MediaTimeout = TimeSpan.FromSeconds(5);

    private const string Password = "publisher-secret";

    private readonly TestTime _time = new();
    private readonly ListLogger _log = new();
    private readonly StreamHub _hub;
    private readonly LiveStream _stream;

    public PublishPointTests()
    {
        _hub = new StreamHub(new ViewerQueueOptions(), _time, new OneLoggerFactory(_log));
        _stream = _hub.Add("pub", new StreamOptions { Publish = true, PublishPassword = Password, MediaTimeout = MediaTimeout });
    }

    private IRtspPublishTarget Target => _stream.PublishTarget!;

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    /// <summary>The run has registered its wait for a publisher (it runs with no viewer).</summary>
    private Task WaitingAsync(long sessions = 0) => Wait.UntilAsync(
        () => _stream.State == StreamState.Reconnecting && _stream.LastViewerError == Waiting && _stream.Counters.SessionsOpened == sessions,
        "the stream waits for its publisher");

    [Fact]
    public async Task Viewers_are_told_the_stream_waits_then_get_the_publishers_format_and_samples_then_wait_again()
    {
        await WaitingAsync();
        Assert.Null(_stream.Publisher);
        using var viewer = new Viewer(_stream.Subscribe());
        Assert.Equal("status:reconnecting", viewer.DrainText());

        var publisher = new TestPublisher();
        var session = publisher.Record(Target);
        await Wait.UntilAsync(() => _stream.Counters.SessionsOpened == 1, "the session is counted");
        Assert.Equal(new PublisherInfo("192.0.2.50:40000", "tcp", _time.GetUtcNow()), _stream.Publisher);
        var idr = TestPublisher.Idrs[0];
        publisher.Send(idr, 5);

        var received = viewer.Drain();
        Assert.Equal("init:640x360 K status:live P P P P", Shape(received));
        Assert.Equal(StreamState.Live, _stream.State);
        Assert.Null(_stream.LastViewerError);
        Assert.StartsWith("avc1.", _stream.Format!.Codecs);
        Assert.Equal([0UL, 3000, 6000, 9000, 12000], received.Where(r => r.Kind == FragmentKind.Media).Select(r => r.Tfdt));
        Assert.Equal(ReceptionTransport.Tcp, _stream.Reception!.Transport);
        Assert.Equal(0, _stream.Reception.Tracks[0].PacketsLost);
        Assert.True(_stream.Reception.Tracks[0].PacketsReceived >= 5);

        session.End("TEARDOWN");
        Assert.Equal(new StreamEvent(StreamState.Reconnecting, Waiting), (await viewer.NextAsync())!.Event);
        await WaitingAsync(sessions: 1);
        Assert.Null(_stream.Publisher);
        Assert.Empty(publisher.Disconnects);
        Assert.False(viewer.Ended);
    }

    [Fact]
    public async Task A_second_publisher_is_refused_with_the_reason_until_the_first_leaves()
    {
        await WaitingAsync();
        var first = new TestPublisher();
        var session = first.Record(Target);

        var second = new TestPublisher("192.0.2.51:40002");
        Assert.Null(second.Announce(Target, out var refusal));
        Assert.Equal("another publisher is connected", refusal);
        Assert.Equal("192.0.2.50:40000", _stream.Publisher!.Address);

        // Refused before RECORD too: one publisher from its ANNOUNCE on.
        session.End("connection closed");
        var third = new TestPublisher("192.0.2.52:40004");
        Assert.NotNull(third.Announce(Target, out refusal));
        Assert.Null(refusal);
        Assert.Null(second.Announce(Target, out refusal));
        Assert.Equal("another publisher is connected", refusal);
        Assert.Equal(new PublisherInfo("192.0.2.52:40004", null, _time.GetUtcNow()), _stream.Publisher);
    }

    [Fact]
    public async Task A_publisher_with_no_track_the_hub_can_carry_is_refused_with_the_reason()
    {
        await WaitingAsync();
        var tracks = new[] { new LiveMux.Media.Sdp.MediaTrack { MediaType = "video", PayloadType = 96, EncodingName = "VP8", ClockRate = 90000 } };
        Assert.Null(Target.TryBegin(tracks, new RtspPublisherInfo("192.0.2.50:1"), _ => { }, out var refusal));
        Assert.StartsWith("no track can be carried", refusal);
        Assert.Null(_stream.Publisher);
    }

    [Fact]
    public async Task Garbage_rtp_is_dropped_and_counted_and_the_stream_goes_on()
    {
        await WaitingAsync();
        using var viewer = new Viewer(_stream.Subscribe());
        var publisher = new TestPublisher();
        var session = publisher.Record(Target);
        var idr = TestPublisher.Idrs[0];
        publisher.Send(idr, 2);

        // Too short, RTP version 1, a header whose padding does not fit, and a payload type the SDP did not announce.
        session.OnRtp(0, [0x80]);
        session.OnRtp(0, [0x40, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x65]);
        session.OnRtp(0, [0xA0, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x65, 0xFF]);
        // (From a packetizer of its own: the publisher's sequence numbers go on without a gap.)
        var wrongType = new TestPublisher().Packets(idr + 2, 2)[0];
        wrongType[1] = (byte)((wrongType[1] & 0x80) | 97);
        session.OnRtp(0, wrongType);

        // Tracks the publisher never announced and RTCP that is not RTCP are ignored, never thrown.
        session.OnRtp(7, [0x80, 96, 0, 1]);
        session.OnRtcp(0, [1, 2, 3]);
        session.OnRtcp(9, [0x80, 200, 0, 6]);

        Assert.Equal("Malformed=4", string.Join(",", _stream.Counters.Drops().Select(d => $"{d.Key}={d.Value}")));
        publisher.Send(idr + 2, 2, firstSlot: 2);
        Assert.Equal(StreamState.Live, _stream.State);
        var media = viewer.Drain().Where(r => r.Kind == FragmentKind.Media).ToList();
        Assert.Equal(4, media.Count);
        Assert.Empty(publisher.Disconnects);
    }

    [Fact]
    public async Task A_publisher_that_stops_mid_gop_is_disconnected_after_the_media_timeout_and_the_stream_waits_again()
    {
        await WaitingAsync();
        using var viewer = new Viewer(_stream.Subscribe());
        var publisher = new TestPublisher();
        publisher.Record(Target);
        Assert.Equal(MediaTimeout, await _time.NextTimerAsync());
        publisher.Send(TestPublisher.Idrs[0], 3);
        Assert.Equal(StreamState.Live, _stream.State);

        _time.Advance(MediaTimeout - TimeSpan.FromTicks(1));
        await Task.Delay(Wait.Quiet);
        Assert.Empty(publisher.Disconnects);

        _time.Advance(TimeSpan.FromTicks(1));
        await Wait.UntilAsync(() => publisher.Disconnects.Count == 1, "the publisher is disconnected");
        Assert.Equal("no media from the publisher for 5 s", publisher.Disconnects[0]);
        await WaitingAsync(sessions: 1);
        Assert.Null(_stream.Publisher);
        Assert.Equal(0, _stream.Counters.Reconnects);
        Assert.Contains(viewer.Drain(), r => r.Event == new StreamEvent(StreamState.Reconnecting, Waiting));

        // Whatever the timed-out connection still sends goes nowhere; the server's End comes later and is harmless.
        publisher.Send(TestPublisher.Idrs[0] + 3, 1, firstSlot: 3);
        publisher.Session!.End("connection closed");
        Assert.Empty(viewer.Drain());

        var next = new TestPublisher("192.0.2.53:40006");
        next.Record(Target);
        next.Send(TestPublisher.Idrs[0], 1);
        Assert.Equal(StreamState.Live, _stream.State);
    }

    [Fact]
    public async Task A_returning_publisher_resumes_an_open_subscription_with_continuous_timestamps()
    {
        await WaitingAsync();
        using var viewer = new Viewer(_stream.Subscribe());
        var first = new TestPublisher(timestampBase: 1_000_000, firstSequence: 100);
        var session = first.Record(Target);
        var idr = TestPublisher.Idrs[0];
        first.Send(idr, 3);
        session.End("TEARDOWN");
        await WaitingAsync(sessions: 1);

        // A restarted ffmpeg: new sequence numbers, a new random RTP timestamp base, the same codec.
        var second = new TestPublisher("192.0.2.50:40100", timestampBase: 3_900_000_000, firstSequence: 60000);
        second.Record(Target, "udp");
        second.Send(idr, 3);

        var received = viewer.Drain();
        Assert.False(viewer.Ended);
        Assert.Equal("status:reconnecting init:640x360 K status:live P P status:reconnecting K status:live P P", Shape(received));
        Assert.Equal([0UL, 3000, 6000, 9000, 12000, 15000], received.Where(r => r.Kind == FragmentKind.Media).Select(r => r.Tfdt));
        Assert.Equal(ReceptionTransport.Udp, _stream.Reception!.Transport);
        Assert.Equal(2, _stream.Counters.SessionsOpened);
    }

    [Fact]
    public async Task Over_udp_reordered_packets_are_put_back_in_order()
    {
        await WaitingAsync();
        using var viewer = new Viewer(_stream.Subscribe());
        var publisher = new TestPublisher();
        var session = publisher.Record(Target, "udp");
        var idr = TestPublisher.Idrs[0];
        var packets = Enumerable.Range(0, 4).SelectMany(i => publisher.Packets(idr + i, i)).ToList();
        Assert.True(packets.Count >= 4, "the clip's frames should take several packets");

        // Swap neighbours all the way through: every other packet arrives early.
        for (var i = 0; i + 1 < packets.Count; i += 2)
        {
            session.OnRtp(0, packets[i + 1]);
            session.OnRtp(0, packets[i]);
        }

        if (packets.Count % 2 == 1)
        {
            session.OnRtp(0, packets[^1]);
        }

        var media = viewer.Drain().Where(r => r.Kind == FragmentKind.Media).ToList();
        Assert.Equal([0UL, 3000, 6000, 9000], media.Select(r => r.Tfdt));
        Assert.False(_stream.Counters.Drops().ContainsKey(nameof(DropReason.SequenceGap)));
        Assert.True(_stream.Reception!.Tracks[0].PacketsReordered > 0);
    }

    [Fact]
    public async Task Removing_the_stream_disconnects_its_publisher_and_refuses_new_ones()
    {
        await WaitingAsync();
        var publisher = new TestPublisher();
        publisher.Record(Target);
        var target = Target;
        Assert.True(await _hub.Remove("pub", "stream removed"));
        Assert.Equal(["stream removed"], publisher.Disconnects);
        Assert.Null(new TestPublisher("192.0.2.60:1").Announce(target, out var refusal));
        Assert.Contains("stream removed", refusal);

        // Said in the log, as a stop and not as a crash, and never with the password.
        var log = _log.Entries;
        Assert.Equal([4140, 4142, 4144, 4141], log.Where(e => e.EventId is >= 4140 and <= 4149).Select(e => e.EventId));
        Assert.DoesNotContain(log, e => e.EventId is 2009 or 4146);
        Assert.DoesNotContain(log, e => e.Message.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stream_removed_while_it_waits_stops_quietly()
    {
        await WaitingAsync();
        using var viewer = new Viewer(_stream.Subscribe());
        Assert.True(await _hub.Remove("pub", "stream removed"));
        Assert.Equal(StreamState.Idle, _stream.State);
        Assert.Equal(0, _stream.Counters.Reconnects);
        Assert.DoesNotContain(_log.Entries, e => e.EventId is 2003 or 2009);
        Assert.Equal("stream removed", viewer.Subscription.CloseReason);
    }

    [Fact]
    public void Other_streams_have_no_publish_target()
    {
        var camera = _hub.Add("cam", new StreamOptions { Url = "rtsp://camera.test/live" });
        Assert.Null(camera.PublishTarget);
        Assert.Null(camera.Publisher);
    }

    private sealed class OneLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }

    /// <summary>"init:320x240 K P status:live": keyframes and other frames without their ids (the clip's bytes carry none).</summary>
    private static string Shape(IEnumerable<Received> received) => string.Join(" ", received.Select(r =>
        r.Kind == FragmentKind.Media ? (r.IsKeyframe ? "K" : "P") : r.ToString()));
}
