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
        Assert.InRange(closed.PeakQueuedFrames, 1, options.QueueFrames);
        Assert.Equal(0, host.Server.ActiveSessions);
        Assert.Equal(0, host.Stream.SubscriberCount);
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_reading_client_alongside_a_stalled_one_gets_every_frame()
    {
        // A joiner gets the mount's cached GOP (up to 9 frames here) at once, so the queue holds a GOP: with less,
        // a reader that happens to join late in a GOP would skip to the next keyframe before it read anything.
        var options = new RtspServerOptions { QueueFrames = 10, SocketSendBufferBytes = 4096, SendTimeout = TimeSpan.FromSeconds(30) };
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
            var (_, p) = await reader.ReadInterleavedAsync();
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
}
