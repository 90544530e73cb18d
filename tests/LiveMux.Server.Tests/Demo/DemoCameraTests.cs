using System.Buffers.Binary;
using System.Globalization;
using LiveMux.Hub;
using LiveMux.Media.Formats;
using LiveMux.Server.Demo;
using LiveMux.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveMux.Server.Tests.Demo;

public sealed class DemoCameraTests
{
    private static DemoCamera NewServer(DemoCameraOptions? options = null)
        => new(options ?? new DemoCameraOptions(), NullLogger<DemoCamera>.Instance, TimeProvider.System);

    [Fact]
    public async Task Session_flow_over_a_raw_socket()
    {
        await using DemoCamera server = NewServer();
        await server.StartAsync(CancellationToken.None);
        Assert.Equal("127.0.0.1", server.Url.Host);
        Assert.NotEqual(0, server.Url.Port);
        Assert.Equal("/demo", server.Url.AbsolutePath);
        string url = server.Url.ToString();
        using RawRtspClient client = await RawRtspClient.ConnectAsync(server.Url);

        RawResponse options = await client.RequestAsync("OPTIONS", url);
        Assert.Equal(200, options.Status);
        Assert.Equal(["DESCRIBE", "GET_PARAMETER", "OPTIONS", "PLAY", "SETUP", "TEARDOWN"],
            options.Headers["Public"].Split(',', StringSplitOptions.TrimEntries).Order());

        RawResponse describe = await client.RequestAsync("DESCRIBE", url, "Accept: application/sdp");
        Assert.Equal(200, describe.Status);
        Assert.Equal("application/sdp", describe.Headers["Content-Type"]);
        Assert.Equal(url + "/", describe.Headers["Content-Base"]);
        var clip = Assert.IsType<H264Format>(server.Clip.Format!.FormatOf(0));
        string sps = Convert.ToBase64String(clip.Sps);
        string pps = Convert.ToBase64String(clip.Pps);
        string[] sdp = describe.Body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("v=0", sdp[0]);
        Assert.Contains("m=video 0 RTP/AVP 96", sdp);
        Assert.Contains("a=rtpmap:96 H264/90000", sdp);
        Assert.Contains($"a=fmtp:96 packetization-mode=1;profile-level-id=4D401E;sprop-parameter-sets={sps},{pps}", sdp);
        Assert.Equal("a=control:trackID=0", sdp[^1]);

        Assert.Equal(0, server.ActiveSessions);
        RawResponse udp = await client.RequestAsync("SETUP", url + "/trackID=0", "Transport: RTP/AVP;unicast;client_port=5000-5001");
        Assert.Equal(461, udp.Status);
        Assert.Equal(0, server.ActiveSessions);

        RawResponse setup = await client.RequestAsync("SETUP", url + "/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1");
        Assert.Equal(200, setup.Status);
        string[] session = setup.Headers["Session"].Split(';');
        Assert.Equal("timeout=60", session[1]);
        Assert.StartsWith("RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=", setup.Headers["Transport"]);
        uint ssrc = uint.Parse(setup.Headers["Transport"].Split("ssrc=")[1].Split(';')[0], NumberStyles.HexNumber);
        Assert.Equal(1, server.ActiveSessions);

        Assert.Equal(454, (await client.RequestAsync("PLAY", url, "Session: nosuchsession")).Status);

        // RTP-Info has an rtptime once the clip, which starts in the background, has sent a frame.
        for (var waited = 0; server.Clip.State != StreamState.Live; waited += 10)
        {
            Assert.True(waited < 10_000, "the demo clip sent no frame within 10 s");
            await Task.Delay(10);
        }

        RawResponse play = await client.RequestAsync("PLAY", url, $"Session: {session[0]}", "Range: npt=0.000-");
        Assert.Equal(200, play.Status);
        Dictionary<string, string> rtpInfo = play.Headers["RTP-Info"].Split(';')
            .Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal(url + "/trackID=0", rtpInfo["url"]);
        ushort expectedSeq = ushort.Parse(rtpInfo["seq"], CultureInfo.InvariantCulture);
        uint rtptime = uint.Parse(rtpInfo["rtptime"], CultureInfo.InvariantCulture);
        uint? firstTimestamp = null;

        // Read 40 frames (over one GOP boundary) and check every RTP header field.
        var frames = new List<(uint Timestamp, List<int> NalTypes)>();
        List<int> current = [];
        while (frames.Count < 40)
        {
            (byte channel, byte[] p) = await client.ReadRtpAsync();
            Assert.Equal(0, channel);
            Assert.Equal(0x80, p[0]);
            Assert.Equal(96, p[1] & 0x7F);
            Assert.Equal(expectedSeq++, BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)));
            uint timestamp = BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(4));
            // RTP-Info's rtptime is the cached IDR's when PLAY was answered, where the session starts (or at the
            // next IDR, a second later, if one came in between).
            firstTimestamp ??= timestamp;
            Assert.True(firstTimestamp == rtptime || firstTimestamp - rtptime == 90_000, $"first {firstTimestamp}, RTP-Info {rtptime}");
            Assert.Equal(unchecked(firstTimestamp.Value + (uint)(frames.Count * 3000)), timestamp);
            Assert.Equal(ssrc, BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(8)));
            current.AddRange(Rfc6184NalTypes.Of(p)); // STAP-A, FU-A and single NAL unit packets
            if ((p[1] & 0x80) != 0)
            {
                frames.Add((timestamp, current));
                current = [];
            }
        }

        // The session starts at the next IDR (the clip's first one also carries the encoder's SEI).
        Assert.Equal([7, 8, 5], frames[0].NalTypes.Where(t => t != 6));  // SPS, PPS, IDR
        Assert.Equal([1], frames[1].NalTypes);
        Assert.Equal([7, 8, 5], frames[30].NalTypes.Where(t => t != 6)); // SPS and PPS in-band before every IDR

        Assert.Equal(200, (await client.RequestAsync("GET_PARAMETER", url, $"Session: {session[0]}")).Status);
        Assert.Equal(200, (await client.RequestAsync("OPTIONS", url, $"Session: {session[0]}")).Status);
        RawResponse teardown = await client.RequestAsync("TEARDOWN", url, $"Session: {session[0]}");
        Assert.Equal(200, teardown.Status);
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(5)));
        await WaitUntilAsync(() => server.ActiveSessions == 0);
    }

    [Fact]
    public async Task Disposing_the_server_closes_its_clients()
    {
        DemoCamera server = NewServer();
        await server.StartAsync(CancellationToken.None);
        using RawRtspClient client = await RawRtspClient.ConnectAsync(server.Url);
        RawResponse setup = await client.RequestAsync("SETUP", server.Url + "/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1");
        Assert.Equal(200, setup.Status);
        Assert.Equal(1, server.ActiveSessions);
        await server.DisposeAsync();
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, server.ActiveSessions);
    }

    [Fact]
    public void Invalid_options_are_refused_with_reasons()
    {
        var bad = new DemoCameraOptions { Port = 70000, Path = "demo", Server = new() { MaxConnections = 0 } };
        Assert.Equal(3, bad.Validate().Count);
        ArgumentException ex = Assert.Throws<ArgumentException>(() => NewServer(bad));
        Assert.Contains("MaxConnections", ex.Message);
        Assert.Empty(new DemoCameraOptions().Validate());
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? within = null)
    {
        DateTime until = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(5));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
