using LiveMux.Rtsp.Server;
using LiveMux.Tests;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Rtsp.Tests.Server;

/// <summary>Deadlines on a fake clock: nothing here waits for real time to pass.</summary>
public sealed class SessionTimeoutTests
{
    [Fact]
    public async Task An_idle_session_is_closed_after_its_timeout_and_a_keepalive_holds_it_open()
    {
        var time = new FakeTimeProvider();
        // The send deadline runs on the same fake clock: it is disarmed just after each answer goes out, and an
        // advance between the client reading the answer and that disarm would fire it. An hour keeps it out of
        // the 4 minutes this test advances.
        await using var host = ServerTestHost.Start(new RtspServerOptions { SendTimeout = TimeSpan.FromHours(1) }, time);
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        var setup = await client.RequestAsync("SETUP", host.Url + "/trackID=0", "Transport: RTP/AVP/TCP;unicast");
        var session = setup.Headers["Session"].Split(';')[0];
        Assert.Equal("timeout=60", setup.Headers["Session"].Split(';')[1]);

        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(59));
            Assert.Equal(200, (await client.RequestAsync("GET_PARAMETER", host.Url.ToString(), $"Session: {session}")).Status);
        }
        Assert.Equal(1, host.Server.ActiveSessions);

        time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        await RtspServerProtocolTests.WaitUntilAsync(() => host.Server.ActiveSessions == 0 && !host.Closed.IsEmpty);
        Assert.True(host.Closed.TryPeek(out var closed));
        Assert.Contains("session timeout", closed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_trickled_slower_than_the_request_timeout_is_closed()
    {
        var time = new FakeTimeProvider();
        await using var host = ServerTestHost.Start(new RtspServerOptions { RequestTimeout = TimeSpan.FromSeconds(10) }, time);
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        await client.SendRawAsync("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n");
        var seconds = 0;
        for (; seconds < 40 && host.Closed.IsEmpty; seconds++)
        {
            try
            {
                await client.SendRawAsync("X: y\r\n"); // keeps the connection busy, never the request whole
            }
            catch (IOException)
            {
                break; // closed
            }
            await Task.Delay(20); // lets the server read; the deadline itself runs on the fake clock
            time.Advance(TimeSpan.FromSeconds(1));
        }
        await RtspServerProtocolTests.WaitUntilAsync(() => !host.Closed.IsEmpty);
        Assert.InRange(seconds, 10, 40); // never before the request timeout on the fake clock
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.True(host.Closed.TryPeek(out var closed));
        Assert.Contains("a request took longer than 10 s", closed.Reason, StringComparison.Ordinal);
    }
}
