using System.Net;
using System.Net.Sockets;
using System.Text;
using LiveMux.Media.Sdp;
using LiveMux.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Client;

namespace LiveMux.Rtsp.Tests.Integration;

public sealed class RtspClientIntegrationTests
{
    private static readonly RtspClientOptions s_options = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(3),
        ResponseTimeout = TimeSpan.FromSeconds(5),
        MediaTimeout = TimeSpan.FromSeconds(5),
    };

    private static RtspClient NewClient(RtspClientOptions? options = null) =>
        new(options ?? s_options, NullLogger.Instance, TimeProvider.System);

    private static RtspUrl Url(string text)
    {
        Assert.True(RtspUrl.TryParse(text, out var url, out var error), error);
        return url;
    }

    private static async Task<RtspException> PlayFailsAsync(string url, RtspClientOptions? options = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await Assert.ThrowsAsync<RtspException>(() => NewClient(options).PlayAsync(Url(url), _ => true, timeout.Token));
    }

    [Fact]
    public async Task Gstreamer_digest_right_password_receives_rtp_and_wrong_password_fails()
    {
        const string password = "s3cr:t@pw";
        await using var server = await TestCamera.StartAsync(0, "--path", "/test", "--user", "viewer", "--password", password, "--fps", "30", "--gop", "30");
        var encoded = Uri.EscapeDataString(password);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var session = await NewClient().PlayAsync(
            Url($"rtsp://viewer:{encoded}@127.0.0.1:{server.Port}/test"), t => t.EncodingName == "H264", timeout.Token);
        var sink = new CountingSink(30);
        await using (session)
        {
            var track = Assert.Single(session.Tracks);
            Assert.Equal("video", track.MediaType);
            Assert.Equal(90000, track.ClockRate);
            Assert.Equal("1", track.FormatParameters["packetization-mode"]);
            Assert.Contains("GStreamer", session.ServerDescription, StringComparison.OrdinalIgnoreCase);

            using var runCts = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var run = session.RunAsync(sink, runCts.Token);
            await sink.Enough.Task.WaitAsync(timeout.Token);
            await runCts.CancelAsync();
            await run; // cancellation ends the session normally
        }
        Assert.True(sink.Count >= 30, $"got {sink.Count} RTP packets");
        Assert.All(sink.TrackIndexes, i => Assert.Equal(0, i));
        Assert.Equal(96, sink.FirstPayloadType);
        await session.DisposeAsync(); // idempotent

        var error = await PlayFailsAsync($"rtsp://viewer:wrong@127.0.0.1:{server.Port}/test");
        Assert.Equal(RtspErrorKind.AuthenticationFailed, error.Kind);
        Assert.Contains("rejected the credentials (401", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);

        var notFound = await PlayFailsAsync($"rtsp://viewer:{encoded}@127.0.0.1:{server.Port}/nope");
        Assert.Equal(RtspErrorKind.NotFound, notFound.Kind);
    }

    [Fact]
    public async Task Closed_port_is_unreachable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var error = await PlayFailsAsync($"rtsp://u:hunter2@127.0.0.1:{port}/x");
        Assert.Equal(RtspErrorKind.Unreachable, error.Kind);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_server_is_a_malformed_response_quickly()
    {
        await using var server = new FakeRtspServer((_, _) =>
            Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello"));
        var started = DateTime.UtcNow;
        var error = await PlayFailsAsync($"rtsp://127.0.0.1:{server.Port}/x");
        Assert.Equal(RtspErrorKind.MalformedResponse, error.Kind);
        Assert.Contains("not speaking RTSP", error.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Random_bytes_on_connect_are_a_malformed_response()
    {
        var noise = new byte[64];
        new Random(7).NextBytes(noise);
        noise[0] = 0x01;
        await using var server = new FakeRtspServer((_, _) => null, noise);
        var error = await PlayFailsAsync($"rtsp://127.0.0.1:{server.Port}/x");
        Assert.Equal(RtspErrorKind.MalformedResponse, error.Kind);
    }

    [Fact]
    public async Task Broken_sdp_is_a_clear_error()
    {
        await using var server = new FakeRtspServer((head, _) =>
        {
            var cseq = FakeRtspServer.CSeqOf(head);
            return head.StartsWith("OPTIONS", StringComparison.Ordinal)
                ? FakeRtspServer.Reply(cseq, "200 OK\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN")
                : FakeRtspServer.Reply(cseq, "200 OK\r\nContent-Type: application/sdp", "<html>oops</html>");
        });
        var error = await PlayFailsAsync($"rtsp://127.0.0.1:{server.Port}/x");
        Assert.Equal(RtspErrorKind.MalformedResponse, error.Kind);
        Assert.Contains("invalid SDP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Second_401_is_authentication_failed_and_no_credentials_is_explained()
    {
        await using var server = new FakeRtspServer((head, _) =>
            FakeRtspServer.Reply(FakeRtspServer.CSeqOf(head), "401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"cam\""));
        var error = await PlayFailsAsync($"rtsp://admin:pw@127.0.0.1:{server.Port}/x");
        Assert.Equal(RtspErrorKind.AuthenticationFailed, error.Kind);
        Assert.Equal(2, server.Requests.Count);
        Assert.DoesNotContain("Authorization", server.Requests[0], StringComparison.Ordinal);
        Assert.Contains("Authorization: Basic ", server.Requests[1], StringComparison.Ordinal);

        await using var server2 = new FakeRtspServer((head, _) =>
            FakeRtspServer.Reply(FakeRtspServer.CSeqOf(head), "401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"cam\""));
        var none = await PlayFailsAsync($"rtsp://127.0.0.1:{server2.Port}/x");
        Assert.Equal(RtspErrorKind.AuthenticationFailed, none.Kind);
        Assert.Contains("has none", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silent_server_is_a_response_timeout()
    {
        await using var server = new FakeRtspServer((_, _) => null);
        var error = await PlayFailsAsync($"rtsp://127.0.0.1:{server.Port}/x", s_options with { ResponseTimeout = TimeSpan.FromMilliseconds(300) });
        Assert.Equal(RtspErrorKind.ResponseTimeout, error.Kind);
        Assert.Contains("OPTIONS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_follows_server_channels_sends_keepalives_answers_requests_and_times_out_without_media()
    {
        const string sdp = "v=0\r\na=control:*\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=1\r\n" +
                           "m=audio 0 RTP/AVP 0\r\na=control:trackID=2\r\n";
        byte[] Rtp(byte channel, byte marker) => [(byte)'$', channel, 0, 12, 0x80, marker, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1];
        await using var server = new FakeRtspServer((head, _) =>
        {
            var cseq = FakeRtspServer.CSeqOf(head);
            var method = head[..head.IndexOf(' ', StringComparison.Ordinal)];
            return method switch
            {
                "OPTIONS" => FakeRtspServer.Reply(cseq, "200 OK\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN"),
                "DESCRIBE" => FakeRtspServer.Reply(cseq, "200 OK\r\nContent-Base: rtsp://127.0.0.1/live/\r\nContent-Type: application/sdp", sdp),
                // The server moves track 0 to channels 6-7; timeout=2 gives a 1 s keepalive.
                "SETUP" => FakeRtspServer.Reply(cseq, "200 OK\r\nSession: ABC123;timeout=2\r\nTransport: RTP/AVP/TCP;unicast;interleaved=6-7"),
                "PLAY" =>
                [
                    .. FakeRtspServer.Reply(cseq, "200 OK\r\nSession: ABC123"),
                    .. Rtp(6, 0xE0), .. Rtp(7, 0xC8), .. Rtp(0, 0xE0),
                    .. Encoding.ASCII.GetBytes("OPTIONS * RTSP/1.0\r\nCSeq: 77\r\n\r\n"),
                    .. Rtp(6, 0x60),
                ],
                "GET_PARAMETER" => FakeRtspServer.Reply(cseq, "200 OK\r\nSession: ABC123"),
                _ => FakeRtspServer.Reply(cseq, "200 OK"),
            };
        });
        var options = s_options with { MediaTimeout = TimeSpan.FromSeconds(3) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var session = await NewClient(options).PlayAsync(Url($"rtsp://127.0.0.1:{server.Port}/live"), t => t.MediaType == "video", timeout.Token);
        var sink = new CountingSink(int.MaxValue);
        await using (session)
        {
            Assert.Single(session.Tracks);
            var error = await Assert.ThrowsAsync<RtspException>(() => session.RunAsync(sink, timeout.Token));
            Assert.Equal(RtspErrorKind.NoMedia, error.Kind);
        }
        // Only channel 6 is RTP of track 0: RTCP on 7 and unknown channel 0 are ignored.
        Assert.Equal(2, sink.Count);
        var requests = server.Requests;
        Assert.Contains(requests, r => r.StartsWith("SETUP rtsp://127.0.0.1/live/trackID=1 RTSP/1.0", StringComparison.Ordinal)
            && r.Contains("Transport: RTP/AVP/TCP;unicast;interleaved=0-1", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.StartsWith("PLAY rtsp://127.0.0.1/live/ RTSP/1.0", StringComparison.Ordinal)
            && r.Contains("Session: ABC123", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.StartsWith("GET_PARAMETER rtsp://127.0.0.1/live/", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.StartsWith("RTSP/1.0 200 OK\r\nCSeq: 77", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.StartsWith("TEARDOWN rtsp://127.0.0.1/live/", StringComparison.Ordinal));
    }

    private sealed class CountingSink(int enough) : IRtpSink
    {
        public int Count { get; private set; }
        public int FirstPayloadType { get; private set; } = -1;
        public List<int> TrackIndexes { get; } = [];
        public TaskCompletionSource Enough { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int RtcpCount { get; private set; }

        public void OnRtcpPacket(int trackIndex, ReadOnlySpan<byte> packet) => RtcpCount++;

        public void OnMalformedRtp(int trackIndex, RtpParseStatus status, int size) => Assert.Fail($"malformed RTP: {status}");

        public void OnRtpPacket(int trackIndex, in RtpPacket packet, int size)
        {
            Assert.True(size >= 12 + packet.Payload.Length);
            if (FirstPayloadType < 0)
            {
                FirstPayloadType = packet.PayloadType;
            }
            TrackIndexes.Add(trackIndex);
            if (++Count >= enough)
            {
                Enough.TrySetResult();
            }
        }
    }
}
