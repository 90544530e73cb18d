using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LiveMux.LoadGen.Tests;

public sealed class RtspPlayTests
{
    [Fact]
    public void Controls_resolve_against_the_content_base_and_keep_absolute_ones()
    {
        const string sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=cam\r\na=control:*\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=0\r\n"
            + "m=audio 0 RTP/AVP 97\r\na=control:rtsp://10.0.0.1/cam/audio\r\n"
            + "m=application 0 RTP/AVP 98\r\n";
        Assert.Equal(
            ["rtsp://h:1/cam/trackID=0", "rtsp://10.0.0.1/cam/audio", "rtsp://h:1/cam/"],
            RtspPlay.Controls(sdp, "rtsp://h:1/cam/"));
    }

    /// <summary>
    /// Against a scripted server: every track is set up on its own interleaved channels in one session, PLAY goes to the
    /// aggregate URL, and a frame stamp sent in the same segment as the PLAY reply is counted.
    /// </summary>
    [Fact]
    public async Task A_reader_sets_up_every_track_plays_and_counts_the_stamps_that_follow()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var requests = new List<string>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var server = ServeAsync(listener, port, requests, cancel.Token);

        var viewer = new Viewer(0, new Uri($"rtsp://127.0.0.1:{port}/cam"), request: "ignored for rtsp", TimeProvider.System);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
        var run = viewer.RunAsync(stop.Token);
        var frames = 0;
        while (frames < 2 && viewer.Error is null && !cancel.IsCancellationRequested)
        {
            await Task.Delay(20, cancel.Token);
            frames += viewer.Swap().Frames;
        }

        await stop.CancelAsync();
        await run;
        await server;

        Assert.Null(viewer.Error);
        Assert.NotNull(viewer.FirstFrameMs);
        Assert.Equal(2, frames + viewer.Swap().Frames);
        Assert.Equal(4, requests.Count);
        Assert.StartsWith($"DESCRIBE rtsp://127.0.0.1:{port}/cam RTSP/1.0", requests[0], StringComparison.Ordinal);
        Assert.StartsWith($"SETUP rtsp://127.0.0.1:{port}/cam/trackID=0 RTSP/1.0", requests[1], StringComparison.Ordinal);
        Assert.Contains("interleaved=0-1", requests[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Session:", requests[1], StringComparison.Ordinal);
        Assert.StartsWith($"SETUP rtsp://127.0.0.1:{port}/cam/trackID=1 RTSP/1.0", requests[2], StringComparison.Ordinal);
        Assert.Contains("interleaved=2-3", requests[2], StringComparison.Ordinal);
        Assert.Contains("Session: 5E55\r\n", requests[2], StringComparison.Ordinal);
        Assert.StartsWith($"PLAY rtsp://127.0.0.1:{port}/cam RTSP/1.0", requests[3], StringComparison.Ordinal);
        Assert.Contains("Session: 5E55\r\n", requests[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_describe_is_the_viewers_error()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(cancel.Token);
            var stream = client.GetStream();
            await ReadRequestAsync(stream, cancel.Token);
            await stream.WriteAsync("RTSP/1.0 404 Not Found\r\nCSeq: 1\r\n\r\n"u8.ToArray(), cancel.Token);
            await ReadRequestAsync(stream, cancel.Token); // until the reader hangs up
        });

        var viewer = new Viewer(0, new Uri($"rtsp://127.0.0.1:{port}/nope"), null, TimeProvider.System);
        await viewer.RunAsync(cancel.Token);
        await server;

        Assert.Equal("DESCRIBE: RTSP/1.0 404 Not Found", viewer.Error);
        Assert.Null(viewer.FirstFrameMs);
        Assert.True(viewer.Closed);
    }

    private static async Task ServeAsync(TcpListener listener, int port, List<string> requests, CancellationToken cancel)
    {
        using var client = await listener.AcceptTcpClientAsync(cancel);
        var stream = client.GetStream();
        var sdp = "v=0\r\ns=cam\r\nm=video 0 RTP/AVP 96\r\na=control:trackID=0\r\nm=audio 0 RTP/AVP 97\r\na=control:trackID=1\r\n";
        for (var cseq = 1; cseq <= 4; cseq++)
        {
            var request = await ReadRequestAsync(stream, cancel);
            requests.Add(request);
            var reply = cseq switch
            {
                1 => $"RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Base: rtsp://127.0.0.1:{port}/cam/\r\nContent-Type: application/sdp\r\nContent-Length: {sdp.Length}\r\n\r\n{sdp}",
                2 or 3 => $"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nSession: 5E55;timeout=60\r\nTransport: RTP/AVP/TCP;unicast\r\n\r\n",
                _ => "RTSP/1.0 200 OK\r\nCSeq: 4\r\nSession: 5E55\r\n\r\n",
            };
            var bytes = new List<byte>(Encoding.ASCII.GetBytes(reply));
            if (cseq == 4)
            {
                // The first interleaved frame rides in the same segment as the PLAY reply; the second comes later.
                bytes.AddRange(Interleaved(FrameScannerTests.Sei(1_795_516_232_228_000L, 1)));
            }

            await stream.WriteAsync(bytes.ToArray(), cancel);
        }

        await Task.Delay(50, cancel);
        await stream.WriteAsync(Interleaved(FrameScannerTests.Sei(1_795_516_232_261_000L, 2)), cancel);
        await ReadRequestAsync(stream, cancel); // until the reader hangs up
    }

    private static byte[] Interleaved(byte[] nal)
    {
        var rtp = new byte[12 + nal.Length];
        rtp[0] = 0x80;
        rtp[1] = 96;
        nal.CopyTo(rtp, 12);
        return [(byte)'$', 0, (byte)(rtp.Length >> 8), (byte)rtp.Length, .. rtp];
    }

    private static async Task<string> ReadRequestAsync(NetworkStream stream, CancellationToken cancel)
    {
        var text = new StringBuilder();
        var one = new byte[1];
        while (!text.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, cancel) == 0)
            {
                return text.ToString();
            }

            text.Append((char)one[0]);
        }

        return text.ToString();
    }
}
