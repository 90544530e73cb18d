using LiveMux.Rtsp.Server;
using LiveMux.Tests;

namespace LiveMux.Rtsp.Tests.Server;

public sealed class SlowClientTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_closed_and_its_queue_never_exceeds_its_bound()
    {
        var options = new RtspServerOptions
        {
            QueueFrames = 5,
            SocketSendBufferBytes = 4096,
            SendTimeout = TimeSpan.FromSeconds(1),
            MaxSkippedGops = 3,
        };
        await using var host = ServerTestHost.Start(options);
        host.StartPublishing(fps: 30, gop: 10, frameBytes: 20_000); // 600 KB/s: kernel buffers fill at once
        using var client = await RawRtspClient.ConnectAsync(host.Url, receiveBuffer: 4096);
        var setup = await client.RequestAsync("SETUP", host.Url + "/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1");
        var session = setup.Headers["Session"].Split(';')[0];
        Assert.Equal(200, (await client.RequestAsync("PLAY", host.Url.ToString(), $"Session: {session}")).Status);

        // Read nothing more. The send blocks (closed after SendTimeout), or the queue stays full and frames are
        // skipped GOP after GOP (closed after MaxSkippedGops): either way the server lets go of the client.
        await RtspServerProtocolTests.WaitUntilAsync(() => !host.Closed.IsEmpty, TimeSpan.FromSeconds(60));
        Assert.True(host.Closed.TryDequeue(out var closed));
        Assert.True(closed.Reason.Contains("the client stopped reading", StringComparison.Ordinal)
            || closed.Reason.Contains("cannot keep up", StringComparison.Ordinal), closed.Reason);
        Assert.InRange(closed.PeakQueuedFrames, 1, Math.Max(options.QueueFrames, 10)); // the queue, or the join burst (a GOP of 10)
        Assert.Equal(0, host.Server.ActiveSessions);
        Assert.Equal(0, host.Stream.SubscriberCount);
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_reading_client_alongside_a_stalled_one_gets_every_frame()
    {
        // A queue smaller than the GOP (10): a reader joining late in one gets the cached frames whole all the same.
        var options = new RtspServerOptions { QueueFrames = 5, SocketSendBufferBytes = 4096, SendTimeout = TimeSpan.FromSeconds(30) };
        await using var host = ServerTestHost.Start(options);
        host.StartPublishing(fps: 30, gop: 10, frameBytes: 20_000);
        using var stalled = await RawRtspClient.ConnectAsync(host.Url, receiveBuffer: 4096);
        var s = (await stalled.RequestAsync("SETUP", host.Url + "/trackID=0", "Transport: RTP/AVP/TCP;unicast")).Headers["Session"].Split(';')[0];
        Assert.Equal(200, (await stalled.RequestAsync("PLAY", host.Url.ToString(), $"Session: {s}")).Status);

        using var reader = await RawRtspClient.ConnectAsync(host.Url);
        var r = (await reader.RequestAsync("SETUP", host.Url + "/trackID=0", "Transport: RTP/AVP/TCP;unicast")).Headers["Session"].Split(';')[0];
        Assert.Equal(200, (await reader.RequestAsync("PLAY", host.Url.ToString(), $"Session: {r}")).Status);
        uint? previous = null;
        for (var frames = 0; frames < 60;)
        {
            var (_, p) = await reader.ReadRtpAsync();
            if ((p[1] & 0x80) == 0)
            {
                continue;
            }
            var timestamp = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(4));
            if (previous is { } last)
            {
                Assert.Equal(3000u, timestamp - last); // no frame skipped for the client that keeps up
            }
            previous = timestamp;
            frames++;
        }
    }

    [Fact]
    public async Task A_joiner_gets_the_whole_cached_gop_even_when_it_is_larger_than_its_queue()
    {
        await using var host = ServerTestHost.Start(new RtspServerOptions { QueueFrames = 2 });
        for (var frame = 0L; frame < 10; frame++)
        {
            var key = frame is 0 or 3;
            host.Stream.WriteFrame(0, host.Egress.Packetize(ServerTestHost.Frame(key, 1000), frame * 3000, key));
        }

        using var client = await RawRtspClient.ConnectAsync(host.Url);
        var session = (await client.RequestAsync("SETUP", host.Url + "/trackID=0", "Transport: RTP/AVP/TCP;unicast")).Headers["Session"].Split(';')[0];
        var play = await client.RequestAsync("PLAY", host.Url.ToString(), $"Session: {session}");
        Assert.Contains("rtptime=9000", play.Headers["RTP-Info"], StringComparison.Ordinal); // the cached keyframe's

        // Frames 3 to 9 (the GOP since the last keyframe, more than the queue's 2) come whole, then live ones.
        host.Stream.WriteFrame(0, host.Egress.Packetize(ServerTestHost.Frame(false, 1000), 10 * 3000, false));
        var timestamps = new List<uint>();
        while (timestamps.Count < 8)
        {
            var (_, p) = await client.ReadRtpAsync();
            if ((p[1] & 0x80) != 0)
            {
                timestamps.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(4)));
            }
        }
        Assert.Equal(Enumerable.Range(3, 8).Select(f => (uint)f * 3000), timestamps);
    }
}
