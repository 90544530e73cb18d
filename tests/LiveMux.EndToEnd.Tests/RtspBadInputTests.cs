using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// Hostile RTSP clients and publishers against a running LiveMux: each gets a clear answer, memory stays bounded,
/// and a camera stream's viewer beside them never notices.
/// </summary>
[Collection("e2e")]
public sealed class RtspBadInputTests
{
    private const string Password = "publish-password-1";

    [Fact]
    public async Task Floods_garbage_and_a_publisher_that_stops_mid_gop_leave_the_other_streams_untouched()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "15", "--gop", "30");
        var (server, rtsp) = await RtspRig.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}", "--LiveMux:Rtsp:MaxConnections=50",
            "--LiveMux:Streams:pub:Publish=true", $"--LiveMux:Streams:pub:PublishPassword={Password}", "--LiveMux:Streams:pub:MediaTimeout=00:00:02");
        await using var _ = server;
        var probe = new ServerProbe(server);
        await using var viewer = await WsViewer.ConnectAsync(server.WebSocketUrl("cam"));
        await viewer.WaitForAsync(v => v.BinaryMessages >= 15, TimeSpan.FromSeconds(20), "the camera plays");
        var before = await probe.SampleAsync();
        viewer.ResetMaxGap();
        var url = new Uri(rtsp + "/pub");

        // A flood of connections: past the limit each is told 503 and closed.
        var flood = new List<RawRtspClient>();
        for (var i = 0; i < 60; i++)
        {
            flood.Add(await RawRtspClient.ConnectAsync(url));
        }

        var answers = await Task.WhenAll(flood.Select(c => c.RequestAsync("OPTIONS", url.ToString())));
        Assert.Equal(50, answers.Count(a => a.Status == 200));
        Assert.Equal(10, answers.Count(a => a.Status == 503));
        flood.ForEach(c => c.Dispose());

        // A header past the size limit, and bytes that are not RTSP: an answer, then the connection is closed.
        using (var huge = await RawRtspClient.ConnectAsync(url))
        {
            await huge.SendRawAsync($"OPTIONS {url} RTSP/1.0\r\nCSeq: 1\r\nX-Big: {new string('a', 20_000)}\r\n\r\n");
            Assert.Equal(413, (await huge.ReadResponseAsync()).Status);
            Assert.True(await huge.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        }

        using (var garbage = await RawRtspClient.ConnectAsync(url))
        {
            await garbage.SendRawAsync("\u0016\u0003\u0001 not rtsp at all\r\n\r\n");
            Assert.Equal(400, (await garbage.ReadResponseAsync()).Status);
            Assert.True(await garbage.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        }

        // A publisher that sends garbage RTP, then stops mid-GOP without leaving: dropped and counted, then
        // disconnected after the stream's media timeout, and the stream waits for a publisher again.
        using (var publisher = await RawRtspClient.ConnectAsync(url))
        {
            var sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:streamid=0\r\n";
            var auth = "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("p:" + Password));
            Assert.Equal(200, (await publisher.RequestWithBodyAsync("ANNOUNCE", url.ToString(), sdp, "application/sdp", auth)).Status);
            var setup = await publisher.RequestAsync("SETUP", url + "/streamid=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record");
            Assert.Equal(200, setup.Status);
            Assert.Equal(200, (await publisher.RequestAsync("RECORD", url.ToString(), $"Session: {setup.Headers["Session"].Split(';')[0]}")).Status);
            var random = new Random(12);
            for (var i = 0; i < 200; i++)
            {
                var payload = new byte[random.Next(1, 1400)];
                random.NextBytes(payload);
                if (i % 2 == 0 && payload.Length > 12)
                {
                    payload[0] = 0x80;
                    payload[1] = 96; // parses as RTP; the payload is noise
                }

                var frame = new byte[4 + payload.Length];
                frame[0] = (byte)'$';
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
                payload.CopyTo(frame, 4);
                await publisher.Stream.WriteAsync(frame);
            }

            Assert.True(await publisher.WaitForCloseAsync(TimeSpan.FromSeconds(15)), "the silent publisher was not disconnected");
        }

        var pub = await server.StreamAsync("pub");
        Assert.Equal("waiting for the publisher", pub.GetProperty("error").GetString());
        Assert.True(pub.GetProperty("counters").GetProperty("drops").GetProperty("Malformed").GetInt64() > 0, pub.ToString());
        await server.WaitForLogAsync("no media from the publisher", TimeSpan.FromSeconds(5));

        // The camera's viewer never stalled, and the server holds no more than it did.
        await viewer.WaitForAsync(v => v.BinaryMessages >= 150, TimeSpan.FromSeconds(20), "the camera keeps playing");
        Assert.True(viewer.MaxGap < TimeSpan.FromSeconds(1), $"the camera's viewer stalled for {viewer.MaxGap}");
        var after = await probe.SampleAsync();
        Assert.True(after.OpenFds <= before.OpenFds + 10, $"open files {before.OpenFds} -> {after.OpenFds}");
        Assert.True(ServerProbe.Mb(after.RssBytes - before.RssBytes) < 64, $"RSS {ServerProbe.Mb(before.RssBytes)} -> {ServerProbe.Mb(after.RssBytes)} MB");
    }
}
