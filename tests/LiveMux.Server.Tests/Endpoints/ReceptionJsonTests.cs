using System.Text.Json;
using LiveMux.Hub;
using LiveMux.Server.Endpoints;

namespace LiveMux.Server.Tests.Endpoints;

/// <summary>The "rtp" object of a stream in <c>/api/streams</c>: names and values as a dashboard reads them.</summary>
public sealed class ReceptionJsonTests
{
    // What Results.Json uses.
    private static readonly JsonSerializerOptions s_web = new(JsonSerializerDefaults.Web);

    private static JsonElement Serialize(ReceptionStats? stats) =>
        JsonSerializer.SerializeToElement(StreamsEndpoint.DescribeReception(stats), s_web);

    public static TheoryData<ReceptionTransport, string?, string> Sessions => new()
    {
        { ReceptionTransport.Udp, null, "udp" },
        { ReceptionTransport.Tcp, "no RTP over UDP within 3 s of PLAY (firewall or NAT?)", "tcp" },
        { ReceptionTransport.Tcp, null, "tcp" },
    };

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Transport_and_fallback_reason(ReceptionTransport transport, string? fallback, string expected)
    {
        var json = Serialize(new ReceptionStats(transport, fallback, [], 0, 0, 0, 0, 0));
        Assert.Equal(expected, json.GetProperty("transport").GetString());
        if (fallback is null)
        {
            Assert.Equal(JsonValueKind.Null, json.GetProperty("fallback").ValueKind);
        }
        else
        {
            Assert.Equal(fallback, json.GetProperty("fallback").GetString());
        }

        Assert.Equal(0, json.GetProperty("tracks").GetArrayLength());
    }

    [Fact]
    public void Session_counters_and_one_object_per_track_in_track_order()
    {
        var stats = new ReceptionStats(
            ReceptionTransport.Udp,
            null,
            [
                new TrackReceptionStats(0, PacketsReceived: 980, PacketsExpected: 1000, PacketsLost: 20, PacketsReordered: 31, PacketsLate: 2, PacketsSkipped: 20, JitterMilliseconds: 1.23456),
                new TrackReceptionStats(1, PacketsReceived: 50, PacketsExpected: 50, PacketsLost: 0, PacketsReordered: 0, PacketsLate: 0, PacketsSkipped: 0, JitterMilliseconds: 0),
            ],
            GarbagePackets: 3,
            ForeignPackets: 4,
            QueueOverflows: 5,
            ReceiverReportsSent: 6,
            KeyframeRequestsSent: 7);

        var json = Serialize(stats);
        Assert.Equal(3, json.GetProperty("garbagePackets").GetInt64());
        Assert.Equal(4, json.GetProperty("foreignPackets").GetInt64());
        Assert.Equal(5, json.GetProperty("queueOverflows").GetInt64());
        Assert.Equal(6, json.GetProperty("receiverReports").GetInt64());
        Assert.Equal(7, json.GetProperty("keyframeRequests").GetInt64());

        var tracks = json.GetProperty("tracks");
        Assert.Equal(2, tracks.GetArrayLength());
        var video = tracks[0];
        Assert.Equal(0, video.GetProperty("track").GetInt32());
        Assert.Equal(980, video.GetProperty("received").GetInt64());
        Assert.Equal(1000, video.GetProperty("expected").GetInt64());
        Assert.Equal(20, video.GetProperty("lost").GetInt64());
        Assert.Equal(0.02, video.GetProperty("lossRatio").GetDouble(), 6);
        Assert.Equal(31, video.GetProperty("reordered").GetInt64());
        Assert.Equal(2, video.GetProperty("late").GetInt64());
        Assert.Equal(20, video.GetProperty("skipped").GetInt64());
        Assert.Equal(1.235, video.GetProperty("jitterMs").GetDouble(), 6);
        Assert.Equal(1, tracks[1].GetProperty("track").GetInt32());
        Assert.Equal(0, tracks[1].GetProperty("lossRatio").GetDouble());
    }

    [Theory]
    [InlineData(-5, 100, 0)] // duplicates make "lost" negative; the ratio does not go below zero
    [InlineData(0, 0, 0)] // nothing expected yet
    [InlineData(1, 3, 0.33333)]
    public void Loss_ratio_is_rounded_and_never_negative(long lost, long expected, double ratio)
    {
        var json = Serialize(new ReceptionStats(ReceptionTransport.Udp, null, [new TrackReceptionStats(0, expected - lost, expected, lost, 0, 0, 0, 0)], 0, 0, 0, 0, 0));
        Assert.Equal(ratio, json.GetProperty("tracks")[0].GetProperty("lossRatio").GetDouble(), 6);
    }

    [Fact]
    public void A_stream_without_an_rtsp_session_has_null()
    {
        Assert.Equal(JsonValueKind.Null, Serialize(null).ValueKind);
    }
}
