using System.Buffers.Binary;
using System.Globalization;
using LiveMux.Rtsp.Server;
using LiveMux.Tests;

namespace LiveMux.Rtsp.Tests.Server;

/// <summary>The server's answers, read by a deliberately naive client (<see cref="RawRtspClient"/>) that checks the CSeq echo.</summary>
public sealed class RtspServerProtocolTests
{
    private const string Tcp = "Transport: RTP/AVP/TCP;unicast;interleaved=0-1";

    // set up first (paths, comma-separated, auto channels) | method | path | header ({session} = the set-up session) | status
    public static TheoryData<string, string, string, string, int> Requests => new()
    {
        { "", "OPTIONS", "/live", "", 200 },
        { "", "OPTIONS", "*", "", 200 },
        { "", "OPTIONS", "/live", "Session: nosuch", 454 },
        { "", "DESCRIBE", "/live", "", 200 },
        { "", "DESCRIBE", "/live/", "", 200 },
        { "", "DESCRIBE", "/other", "", 404 },
        { "", "DESCRIBE", "/live/trackID=0", "", 404 },
        { "", "SETUP", "/live/trackID=0", Tcp, 200 },
        { "", "SETUP", "/live", Tcp, 200 },
        { "", "SETUP", "/live/trackID=0", "Transport: RTP/AVP;unicast;client_port=5000-5001, " + Tcp[11..], 200 },
        { "", "SETUP", "/pair", Tcp, 459 },
        { "", "SETUP", "/live/trackID=1", Tcp, 404 },
        { "", "SETUP", "/other/trackID=0", Tcp, 404 },
        { "", "SETUP", "/live/trackID=0", "Transport: RTP/AVP;unicast;client_port=5000-5001", 461 },
        { "", "SETUP", "/live/trackID=0", "Transport: RTP/AVP/UDP;unicast;client_port=5000-5001", 461 },
        { "", "SETUP", "/live/trackID=0", "", 461 },
        { "", "SETUP", "/live/trackID=0", Tcp + ";mode=record", 461 },
        { "", "SETUP", "/live/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=255", 400 },
        { "", "SETUP", "/live/trackID=0", Tcp + "\r\nSession: nosuch", 454 },
        { "live/trackID=0", "SETUP", "/live/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=2-3\r\nSession: {session}", 400 },
        { "pair/trackID=0", "SETUP", "/pair/trackID=1", Tcp + "\r\nSession: {session}", 400 },
        { "pair/trackID=0", "SETUP", "/pair/trackID=1", "Transport: RTP/AVP/TCP;unicast;interleaved=2-3\r\nSession: {session}", 200 },
        { "pair/trackID=0", "SETUP", "/live/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=2-3\r\nSession: {session}", 404 },
        { "", "PLAY", "/live", "", 455 },
        { "", "PLAY", "/live", "Session: nosuch", 454 },
        { "live/trackID=0", "PLAY", "/live", "Session: nosuch", 454 },
        { "live/trackID=0", "PLAY", "/live", "", 454 },
        { "live/trackID=0", "PLAY", "/live", "Session: {session}", 200 },
        { "live/trackID=0", "PLAY", "/live/trackID=0", "Session: {session}", 200 },
        { "live/trackID=0", "PLAY", "/other", "Session: {session}", 404 },
        { "pair/trackID=0,pair/trackID=1", "PLAY", "/pair/trackID=0", "Session: {session}", 460 },
        { "pair/trackID=0,pair/trackID=1", "PLAY", "/pair", "Session: {session}", 200 },
        { "", "GET_PARAMETER", "/live", "", 200 },
        { "", "GET_PARAMETER", "/live", "Session: nosuch", 454 },
        { "live/trackID=0", "GET_PARAMETER", "/live", "Session: {session}", 200 },
        { "live/trackID=0", "OPTIONS", "/live", "Session: {session}", 200 },
        { "", "TEARDOWN", "/live", "", 454 },
        { "live/trackID=0", "TEARDOWN", "/live", "Session: nosuch", 454 },
        { "live/trackID=0", "TEARDOWN", "/live", "Session: {session}", 200 },
        { "", "PAUSE", "/live", "", 501 },
        { "", "RECORD", "/live", "", 501 },
        { "", "ANNOUNCE", "/live", "", 501 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Answers_each_request_with_its_status(string setUp, string method, string path, string header, int expected)
    {
        await using var host = ServerTestHost.Start();
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        var session = "";
        foreach (var track in setUp.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] headers = session.Length == 0
                ? ["Transport: RTP/AVP/TCP;unicast"]
                : ["Transport: RTP/AVP/TCP;unicast", $"Session: {session}"];
            var setup = await client.RequestAsync("SETUP", $"{host.Base}/{track}", headers);
            Assert.Equal(200, setup.Status);
            session = setup.Headers["Session"].Split(';')[0];
        }
        var uri = path == "*" ? "*" : host.Base + path;
        var lines = header.Replace("{session}", session, StringComparison.Ordinal).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var response = await client.RequestAsync(method, uri, lines);
        Assert.Equal(expected, response.Status);
        if (expected == 200 && session.Length > 0 && method != "TEARDOWN")
        {
            Assert.Equal($"{session};timeout=60", response.Headers["Session"]);
        }
    }

    [Theory]
    [InlineData("OPTIONS * RTSP/1.0\r\n\r\n")]
    [InlineData("OPTIONS * RTSP/1.0\r\nCSeq: abc\r\n\r\n")]
    [InlineData("OPTIONS * RTSP/1.0\r\nCSeq: -1\r\n\r\n")]
    public async Task A_request_without_a_readable_CSeq_gets_400_without_one(string request)
    {
        await using var host = ServerTestHost.Start();
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        await client.SendRawAsync(request);
        var response = await client.ReadResponseAsync();
        Assert.Equal(400, response.Status);
        Assert.False(response.Headers.ContainsKey("CSeq"));
        Assert.Equal(200, (await client.RequestAsync("OPTIONS", host.Url.ToString())).Status); // the connection goes on
    }

    // Bytes that cannot become a request -> the status sent before the connection is closed.
    [Theory]
    [InlineData("headers over MaxRequestBytes", "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX-Padding: {9000}\r\n\r\n", 413)]
    [InlineData("more than MaxHeaderCount header lines", "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n{65 headers}\r\n", 413)]
    [InlineData("a body over MaxRequestBytes", "GET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 100000\r\n\r\n", 413)]
    [InlineData("not RTSP", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400)]
    [InlineData("a malformed header line", "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nno colon here\r\n\r\n", 400)]
    public async Task A_request_that_breaks_a_limit_or_the_syntax_is_answered_and_closed(string name, string request, int status)
    {
        await using var host = ServerTestHost.Start();
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        request = request.Replace("{9000}", new string('a', 9000), StringComparison.Ordinal)
            .Replace("{65 headers}", string.Concat(Enumerable.Range(0, 65).Select(i => $"X-H{i}: v\r\n")), StringComparison.Ordinal);
        await client.SendRawAsync(request);
        var response = await client.ReadResponseAsync();
        Assert.True(status == response.Status, $"{name}: {response.Status}");
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)), name);
    }

    [Fact]
    public async Task A_request_sent_one_byte_per_write_is_answered()
    {
        await using var host = ServerTestHost.Start();
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        client.Stream.Socket.NoDelay = true;
        foreach (var b in "DESCRIBE rtsp://127.0.0.1/live RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n"u8.ToArray())
        {
            await client.Stream.WriteAsync(new[] { b });
            await client.Stream.FlushAsync();
        }
        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("1", response.Headers["CSeq"]);
        Assert.Contains("m=video 0 RTP/AVP 96", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_flow_plays_from_a_keyframe_with_the_RTP_Info_it_announced()
    {
        await using var host = ServerTestHost.Start();
        host.StartPublishing(fps: 30, gop: 10, frameBytes: 3000); // 3000 B: FU-A packets, SPS and PPS in a STAP-A
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        var url = host.Url.ToString();

        var options = await client.RequestAsync("OPTIONS", url);
        Assert.Equal(["DESCRIBE", "GET_PARAMETER", "OPTIONS", "PLAY", "SETUP", "TEARDOWN"],
            options.Headers["Public"].Split(',', StringSplitOptions.TrimEntries).Order());

        var describe = await client.RequestAsync("DESCRIBE", url, "Accept: application/sdp");
        Assert.Equal("application/sdp", describe.Headers["Content-Type"]);
        Assert.Equal(url + "/", describe.Headers["Content-Base"]);
        var sdp = describe.Body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("v=0", sdp[0]);
        Assert.Contains("m=video 0 RTP/AVP 96", sdp);
        Assert.Contains("a=rtpmap:96 H264/90000", sdp);
        Assert.Contains($"a=fmtp:96 packetization-mode=1;profile-level-id=4D401E;sprop-parameter-sets={Convert.ToBase64String(ServerTestHost.Sps)},{Convert.ToBase64String(ServerTestHost.Pps)}", sdp);
        Assert.Equal("a=control:trackID=0", sdp[^1]);

        var setup = await client.RequestAsync("SETUP", url + "/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=4-5");
        var session = setup.Headers["Session"].Split(';');
        Assert.Equal("timeout=60", session[1]);
        Assert.StartsWith("RTP/AVP/TCP;unicast;interleaved=4-5;ssrc=", setup.Headers["Transport"], StringComparison.Ordinal);
        var ssrc = uint.Parse(setup.Headers["Transport"].Split("ssrc=")[1].Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.Equal(host.Egress.Track.Ssrc, ssrc);
        Assert.Equal(1, host.Server.ActiveSessions);

        await WaitUntilAsync(() => host.Stream.CachedFrames > 0); // RTP-Info has an rtptime once there is a frame
        var play = await client.RequestAsync("PLAY", url, $"Session: {session[0]}", "Range: npt=0.000-");
        Assert.Equal(200, play.Status);
        var rtpInfo = play.Headers["RTP-Info"].Split(';').Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal(url + "/trackID=0", rtpInfo["url"]);
        var sequence = ushort.Parse(rtpInfo["seq"], CultureInfo.InvariantCulture);
        var rtptime = uint.Parse(rtpInfo["rtptime"], CultureInfo.InvariantCulture);

        // 25 frames (over two GOP boundaries): the session's own gapless numbering, the stream's SSRC and timestamps.
        var frames = new List<(uint Timestamp, List<int> Nals)>();
        var rtcp = new List<(byte Channel, byte[] Packet)>();
        List<int> current = [];
        while (frames.Count < 25)
        {
            var (channel, p) = await client.ReadRtpAsync(rtcp);
            Assert.Equal(4, channel);
            Assert.Equal(0x80, p[0]);
            Assert.Equal(96, p[1] & 0x7F);
            Assert.Equal(sequence++, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)));
            Assert.Equal(ssrc, BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(8)));
            var timestamp = BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(4));
            Assert.InRange(unchecked((int)(timestamp - rtptime)), 0, int.MaxValue); // from the cached keyframe on
            current.AddRange(Rfc6184NalTypes.Of(p)); // STAP-A, FU-A and single NAL unit packets
            if ((p[1] & 0x80) != 0)
            {
                frames.Add((timestamp, current));
                current = [];
            }
        }
        Assert.Equal([7, 8, 5], frames[0].Nals); // starts at a keyframe, parameter sets in-band
        Assert.True(frames[0].Timestamp == rtptime || frames[0].Timestamp - rtptime == 30_000,
            $"the first frame ({frames[0].Timestamp}) is the cached keyframe RTP-Info announced ({rtptime}), or the next one if it came in between");
        Assert.Equal([1], frames[1].Nals);
        Assert.Equal([7, 8, 5], frames[10].Nals);
        Assert.All(frames.Zip(frames.Skip(1)), f => Assert.Equal(3000u, f.Second.Timestamp - f.First.Timestamp));

        // A sender report came after the first frame, on the track's RTCP channel, with the stream's SSRC.
        var (reportChannel, report) = Assert.Single(rtcp);
        Assert.Equal(5, reportChannel);
        Assert.True(LiveMux.Media.Rtp.RtcpSenderReport.TryFind(report, out var sr));
        Assert.Equal(ssrc, sr.Ssrc);

        // RTCP from the client on its channel, then a keepalive in the same write.
        await client.Stream.WriteAsync(new byte[] { 0x24, 5, 0, 8, 0x80, 201, 0, 1, 0, 0, 0, 1 });
        Assert.Equal(200, (await client.RequestAsync("GET_PARAMETER", url, $"Session: {session[0]}")).Status);
        Assert.Equal(200, (await client.RequestAsync("TEARDOWN", url, $"Session: {session[0]}")).Status);
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        await WaitUntilAsync(() => host.Server.ActiveSessions == 0 && host.Stream.SubscriberCount == 0);
    }

    [Fact]
    public async Task Connections_beyond_the_limit_get_503_and_are_closed()
    {
        await using var host = ServerTestHost.Start(new RtspServerOptions { MaxConnections = 1 });
        using var first = await RawRtspClient.ConnectAsync(host.Url);
        Assert.Equal(200, (await first.RequestAsync("OPTIONS", host.Url.ToString())).Status);
        using var second = await RawRtspClient.ConnectAsync(host.Url);
        Assert.Equal(503, (await second.RequestAsync("OPTIONS", host.Url.ToString())).Status);
        Assert.True(await second.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(200, (await first.RequestAsync("OPTIONS", host.Url.ToString())).Status);
    }

    [Fact]
    public async Task Disposing_the_server_closes_its_clients_and_their_sessions()
    {
        var host = ServerTestHost.Start();
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        Assert.Equal(200, (await client.RequestAsync("SETUP", host.Url + "/trackID=0", Tcp)).Status);
        Assert.Equal(1, host.Server.ActiveSessions);
        await host.DisposeAsync();
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, host.Server.ActiveSessions);
    }

    [Fact]
    public void Invalid_options_are_refused_with_reasons()
    {
        var bad = new RtspServerOptions { MaxConnections = 0, MaxRequestBytes = 10, QueueFrames = 0, SendTimeout = TimeSpan.Zero };
        Assert.Equal(4, bad.Validate().Count);
        var error = Assert.Throws<ArgumentException>(() => new RtspServer(bad, Microsoft.Extensions.Logging.Abstractions.NullLogger<RtspServer>.Instance, TimeProvider.System));
        Assert.Contains("MaxConnections", error.Message, StringComparison.Ordinal);
        Assert.Empty(new RtspServerOptions().Validate());
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? within = null)
    {
        var until = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
