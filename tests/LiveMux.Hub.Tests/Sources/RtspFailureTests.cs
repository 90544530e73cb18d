using LiveMux.Hub.Sources;
using LiveMux.Rtsp;
using LiveMux.Rtsp.Client;

namespace LiveMux.Hub.Tests.Sources;

/// <summary>The RTSP source speaks to the stream in the hub's words: failures and reception counters.</summary>
public sealed class RtspFailureTests
{
    public static TheoryData<RtspErrorKind, string, double> Kinds => new()
    {
        { RtspErrorKind.AuthenticationFailed, "the camera rejected the credentials", 10 },
        { RtspErrorKind.ConnectionClosed, "the camera closed the connection", 0 },
        { RtspErrorKind.NoMedia, "no media from the camera", 0 },
        { RtspErrorKind.NoSupportedTracks, "the camera's codecs are not supported", 0 },
        { RtspErrorKind.SendTimeout, "the camera stopped reading", 0 },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_failure_keeps_its_detail_and_gets_the_viewers_reason_and_retry_floor(RtspErrorKind kind, string viewerReason, double minRetrySeconds)
    {
        var rtsp = new RtspException(kind, "detail for admins");
        var failure = RtspFailure.ToSourceFailure(rtsp, "detail for admins (redacted)");
        Assert.Equal("detail for admins (redacted)", failure.Message);
        Assert.Equal(viewerReason, failure.ViewerReason);
        Assert.Equal(TimeSpan.FromSeconds(minRetrySeconds), failure.MinRetryDelay);
        Assert.Same(rtsp, failure.InnerException);
    }

    [Theory]
    [InlineData(RtspTransport.Udp, ReceptionTransport.Udp)]
    [InlineData(RtspTransport.Tcp, ReceptionTransport.Tcp)]
    public void Reception_counters_are_copied_field_by_field(RtspTransport transport, ReceptionTransport expected)
    {
        var rtsp = new RtspSessionStats(
            transport,
            "no RTP over UDP",
            [new RtpTrackStats(0, 980, 1000, 20, 31, 2, 20, 1.5), new RtpTrackStats(1, 50, 51, 1, 3, 4, 5, 0.25)],
            GarbagePackets: 3,
            ForeignPackets: 4,
            QueueOverflows: 5,
            ReceiverReportsSent: 6,
            KeyframeRequestsSent: 7);

        var hub = RtspFailure.ToReception(rtsp);

        Assert.Equal(expected, hub.Transport);
        Assert.Equal("no RTP over UDP", hub.FallbackReason);
        Assert.Equal((3L, 4L, 5L, 6L, 7L), (hub.GarbagePackets, hub.ForeignPackets, hub.QueueOverflows, hub.ReceiverReportsSent, hub.KeyframeRequestsSent));
        Assert.Equal(
            [new TrackReceptionStats(0, 980, 1000, 20, 31, 2, 20, 1.5), new TrackReceptionStats(1, 50, 51, 1, 3, 4, 5, 0.25)],
            hub.Tracks);
        Assert.Equal(rtsp.Tracks[0].LossRatio, hub.Tracks[0].LossRatio);
    }
}
