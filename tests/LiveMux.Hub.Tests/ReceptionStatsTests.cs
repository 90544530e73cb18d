using LiveMux.Hub.Tests.Infrastructure;

namespace LiveMux.Hub.Tests;

/// <summary>
/// <see cref="LiveStream.Reception"/>: the RTSP session's counters read live while it plays, the last numbers kept
/// after it ends, and an ended session never hiding the one that replaced it.
/// </summary>
public sealed class ReceptionStatsTests
{
    private static ReceptionStats Stats(ReceptionTransport transport, long received) =>
        new(transport, null, [new TrackReceptionStats(0, received, received, 0, 0, 0, 0, 0)], 0, 0, 0, 0, 0);

    [Fact]
    public async Task Counters_are_read_live_and_the_last_ones_outlive_the_session()
    {
        await using var f = new StreamFixture();
        Assert.Null(f.Stream.Reception);
        using var viewer = f.Join();
        var session = await f.Camera.NextSessionAsync();

        long received = 10;
        Func<ReceptionStats> read = () => Stats(ReceptionTransport.Udp, Volatile.Read(ref received));
        session.Reception(read);
        Assert.Equal(10, f.Stream.Reception!.Tracks[0].PacketsReceived);
        Volatile.Write(ref received, 25);
        Assert.Equal(25, f.Stream.Reception!.Tracks[0].PacketsReceived);

        session.ReceptionEnded(read, Stats(ReceptionTransport.Udp, 30));
        Volatile.Write(ref received, 99); // the ended session is no longer read
        var kept = f.Stream.Reception!;
        Assert.Equal(ReceptionTransport.Udp, kept.Transport);
        Assert.Equal(30, kept.Tracks[0].PacketsReceived);

        session.Fail(new LiveMux.Rtsp.RtspException(LiveMux.Rtsp.RtspErrorKind.ConnectionClosed, "camera closed the connection"));
        await f.Time.NextTimerAsync();
        Assert.Equal(StreamState.Reconnecting, f.Stream.State);
        Assert.Equal(30, f.Stream.Reception!.Tracks[0].PacketsReceived);
    }

    [Fact]
    public async Task A_session_that_ends_after_its_successor_started_does_not_replace_its_numbers()
    {
        await using var f = new StreamFixture();
        using var viewer = f.Join();
        var session = await f.Camera.NextSessionAsync();
        Func<ReceptionStats> old = () => Stats(ReceptionTransport.Udp, 1);
        Func<ReceptionStats> successor = () => Stats(ReceptionTransport.Tcp, 2);
        session.Reception(old);
        session.Reception(successor);

        session.ReceptionEnded(old, Stats(ReceptionTransport.Udp, 3));

        Assert.Equal(ReceptionTransport.Tcp, f.Stream.Reception!.Transport);
        Assert.Equal(2, f.Stream.Reception!.Tracks[0].PacketsReceived);
    }
}
