using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LiveMux.Media.Rtp;
using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Auth;
using LiveMux.Rtsp.Server;
using LiveMux.Tests;

namespace LiveMux.Rtsp.Tests.Server;

/// <summary>
/// What the server asks its <see cref="IRtspPaths"/> and does with the answer: auth challenges (Basic, Digest),
/// UDP readers with sender reports, and publishers over TCP and UDP with garbage among their packets.
/// </summary>
public sealed class RtspServerPathsTests
{
    private const string Password = "publish-secret-1";

    private static readonly string Sdp = string.Join("\r\n",
        "v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=test", "c=IN IP4 127.0.0.1", "t=0 0",
        "m=video 0 RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=control:streamid=0",
        "m=audio 0 RTP/AVP 8", "a=rtpmap:8 PCMA/8000", "a=control:streamid=1", "");

    [Fact]
    public async Task A_reader_without_credentials_is_challenged_with_basic_and_reads_with_them()
    {
        var paths = new TestPaths();
        await using var host = ServerTestHost.Start(paths: paths);
        using var client = await RawRtspClient.ConnectAsync(host.Url);

        var refused = await client.RequestAsync("DESCRIBE", $"{host.Base}/guarded");
        Assert.Equal(401, refused.Status);
        Assert.StartsWith("Basic realm=\"LiveMux\"", refused.Headers["WWW-Authenticate"], StringComparison.Ordinal);
        Assert.Contains("a token, please", refused.StatusLine, StringComparison.Ordinal);

        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("any:" + TestPaths.ReaderPassword));
        var granted = await client.RequestAsync("DESCRIBE", $"{host.Base}/guarded", $"Authorization: {basic}");
        Assert.Equal(200, granted.Status);
        Assert.Equal("guarded", Assert.Single(paths.Reads).Path);

        var missing = await client.RequestAsync("DESCRIBE", $"{host.Base}/nosuch");
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task A_publisher_answers_a_digest_challenge_and_a_wrong_password_or_stale_nonce_is_refused()
    {
        var paths = new TestPaths();
        var time = new ManualTime();
        await using var host = ServerTestHost.Start(time: time, paths: paths);
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        var url = $"{host.Base}/pub";

        var challenge = await Announce(client, url);
        Assert.Equal(401, challenge.Status);
        var nonce = System.Text.RegularExpressions.Regex.Match(challenge.Raw, "nonce=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(nonce);

        var wrong = await Announce(client, url, Digest("u", "wrong-password", nonce, url));
        Assert.Equal(401, wrong.Status);
        Assert.Empty(paths.Publishers);

        time.Advance(TimeSpan.FromMinutes(6)); // past the nonce's lifetime
        var stale = await Announce(client, url, Digest("u", Password, nonce, url));
        Assert.Equal(401, stale.Status);
        Assert.Contains("stale=TRUE", stale.Raw, StringComparison.Ordinal);

        var fresh = System.Text.RegularExpressions.Regex.Match(stale.Raw, "nonce=\"([^\"]+)\"").Groups[1].Value;
        var accepted = await Announce(client, url, Digest("u", Password, fresh, url));
        Assert.Equal(200, accepted.Status);
        Assert.Single(paths.Publishers);
    }

    [Theory]
    [InlineData("", "OPTIONS", "/pub", "", 200)]
    [InlineData("", "ANNOUNCE", "/pub", "", 415)]
    [InlineData("", "ANNOUNCE", "/pub", "Content-Type: text/plain", 415)]
    [InlineData("", "ANNOUNCE", "/pub/trackID=0", "", 400)]
    [InlineData("", "RECORD", "/pub", "", 455)]
    [InlineData("describe", "ANNOUNCE", "/pub", "Content-Type: application/sdp", 455)]
    public async Task Publishing_requests_out_of_turn_get_their_status(string first, string method, string path, string header, int expected)
    {
        await using var host = ServerTestHost.Start(paths: new TestPaths());
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        if (first == "describe")
        {
            var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("any:" + TestPaths.ReaderPassword));
            Assert.Equal(200, (await client.RequestAsync("DESCRIBE", $"{host.Base}/guarded", $"Authorization: {basic}")).Status);
        }

        var response = await client.RequestAsync(method, host.Base + path, header.Length == 0 ? [] : [header]);
        Assert.Equal(expected, response.Status);
        if (method == "OPTIONS")
        {
            Assert.Contains("ANNOUNCE", response.Headers["Public"], StringComparison.Ordinal);
            Assert.Contains("RECORD", response.Headers["Public"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_publisher_over_tcp_delivers_its_packets_and_garbage_on_other_channels_is_ignored()
    {
        var paths = new TestPaths();
        await using var host = ServerTestHost.Start(paths: paths);
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        var url = $"{host.Base}/pub";
        Assert.Equal(200, (await Announce(client, url, Basic())).Status);
        var session = "";
        for (var track = 0; track < 2; track++)
        {
            var setup = await client.RequestAsync("SETUP", $"{url}/streamid={track}",
                $"Transport: RTP/AVP/TCP;unicast;interleaved={2 * track}-{(2 * track) + 1};mode=record", session.Length == 0 ? "X: y" : $"Session: {session}");
            Assert.Equal(200, setup.Status);
            session = setup.Headers["Session"].Split(';')[0];
        }
        Assert.Equal(404, (await client.RequestAsync("SETUP", $"{url}/streamid=7", "Transport: RTP/AVP/TCP;unicast;interleaved=8-9;mode=record", $"Session: {session}")).Status);
        Assert.Equal(200, (await client.RequestAsync("RECORD", url, $"Session: {session}")).Status);

        await Interleaved(client, 0, Rtp(96, 1));
        await Interleaved(client, 7, [0xFF, 0xFF, 0xFF]); // a channel nobody set up
        await Interleaved(client, 2, Rtp(8, 2));
        await Interleaved(client, 1, [0x80, 0xC8, 0x00, 0x00]); // RTCP of the video track
        var publisher = Assert.Single(paths.Publishers);
        await WaitUntil(() => publisher.Packets.Count == 3);
        Assert.Equal(["rtp 0 seq 1", "rtp 1 seq 2", "rtcp 0"], publisher.Packets);
        Assert.Equal("tcp", publisher.Transport);

        // Another publisher is refused with the target's reason.
        using var second = await RawRtspClient.ConnectAsync(host.Url);
        var refused = await Announce(second, url, Basic());
        Assert.Equal(503, refused.Status);
        Assert.Contains("another publisher is connected", refused.StatusLine, StringComparison.Ordinal);

        Assert.Equal(200, (await client.RequestAsync("TEARDOWN", url, $"Session: {session}")).Status);
        await WaitUntil(() => publisher.EndReason is not null);
    }

    [Fact]
    public async Task A_publisher_over_udp_is_heard_only_from_its_own_ports()
    {
        var paths = new TestPaths();
        await using var host = ServerTestHost.Start(new RtspServerOptions { UdpRtpPort = 0 }, paths: paths);
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        using var rtp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)rtp.Client.LocalEndPoint!).Port;
        var url = $"{host.Base}/pub";
        var single = Sdp[..Sdp.IndexOf("m=audio", StringComparison.Ordinal)];
        Assert.Equal(200, (await Announce(client, url, Basic(), single)).Status);
        var setup = await client.RequestAsync("SETUP", $"{url}/streamid=0", $"Transport: RTP/AVP;unicast;client_port={port}-{port + 1};mode=record");
        Assert.Equal(200, setup.Status);
        var serverPort = int.Parse(System.Text.RegularExpressions.Regex.Match(setup.Headers["Transport"], "server_port=(\\d+)-").Groups[1].Value);
        Assert.Equal(host.Server.UdpPorts!.Value.Rtp, serverPort);
        var session = setup.Headers["Session"].Split(';')[0];
        Assert.Equal(200, (await client.RequestAsync("RECORD", url, $"Session: {session}")).Status);

        var to = new IPEndPoint(IPAddress.Loopback, serverPort);
        await stranger.SendAsync(Rtp(96, 99), to);
        await rtp.SendAsync(Rtp(96, 5), to);
        var publisher = Assert.Single(paths.Publishers);
        await WaitUntil(() => !publisher.Packets.IsEmpty);
        await Task.Delay(100);
        Assert.Equal(["rtp 0 seq 5"], publisher.Packets);
        Assert.Equal("udp", publisher.Transport);
    }

    [Fact]
    public async Task A_reader_over_udp_gets_rtp_at_its_port_and_a_sender_report_at_the_next()
    {
        await using var host = ServerTestHost.Start(new RtspServerOptions { UdpRtpPort = 0 });
        using var client = await RawRtspClient.ConnectAsync(host.Url);
        using var rtp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)rtp.Client.LocalEndPoint!).Port;
        using var rtcp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port + 1));
        var setup = await client.RequestAsync("SETUP", $"{host.Url}/trackID=0", $"Transport: RTP/AVP;unicast;client_port={port}-{port + 1}");
        Assert.Equal(200, setup.Status);
        Assert.Contains($"client_port={port}-{port + 1};server_port=", setup.Headers["Transport"], StringComparison.Ordinal);
        var session = setup.Headers["Session"].Split(';')[0];
        Assert.Equal(200, (await client.RequestAsync("PLAY", host.Url.ToString(), $"Session: {session}")).Status);
        host.StartPublishing(fps: 30, gop: 10);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var packet = await rtp.ReceiveAsync(timeout.Token);
        Assert.Equal(RtpParseStatus.Ok, RtpPacket.TryParse(packet.Buffer, out var parsed));
        Assert.Equal(host.Egress.Track.Ssrc, parsed.Ssrc);
        var report = await rtcp.ReceiveAsync(timeout.Token);
        Assert.True(RtcpSenderReport.TryFind(report.Buffer, out var sr));
        Assert.Equal(host.Egress.Track.Ssrc, sr.Ssrc);
        Assert.True(sr.PacketCount >= 1);
        // Its wall clock is now's (the test's clock), give or take the machine.
        var wall = DateTimeOffset.UnixEpoch.AddSeconds(sr.NtpSeconds - 2_208_988_800);
        Assert.InRange(wall, DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(30));
    }

    private static Task<RawResponse> Announce(RawRtspClient client, string url, string? authorization = null, string? sdp = null)
    {
        sdp ??= Sdp;
        return client.RequestWithBodyAsync("ANNOUNCE", url, sdp, "application/sdp", authorization is null ? [] : [$"Authorization: {authorization}"]);
    }

    private static string Basic() => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("me:" + Password));

    private static string Digest(string user, string password, string nonce, string uri)
    {
        var response = DigestAuth.ComputeResponse("MD5", user, "LiveMux", password, nonce, "ANNOUNCE", uri, null, "", "");
        return $"Digest username=\"{user}\", realm=\"LiveMux\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\"";
    }

    private static byte[] Rtp(byte payloadType, ushort sequence)
    {
        var packet = new byte[20];
        packet[0] = 0x80;
        packet[1] = payloadType;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        return packet;
    }

    private static async Task Interleaved(RawRtspClient client, byte channel, byte[] payload)
    {
        var frame = new byte[4 + payload.Length];
        frame[0] = (byte)'$';
        frame[1] = channel;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        payload.CopyTo(frame, 4);
        await client.Stream.WriteAsync(frame);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }

    /// <summary>"guarded" needs Basic with <see cref="ReaderPassword"/>; "pub" takes one publisher with <see cref="Password"/>.</summary>
    private sealed class TestPaths : IRtspPaths
    {
        public const string ReaderPassword = "reader-token";

        private readonly ServerStream _media = new([ServerTestHost.Video().Track]);

        public ConcurrentQueue<RtspAccessRequest> Reads { get; } = new();

        public ConcurrentQueue<TestPublisher> Publishers { get; } = new();

        public ValueTask<RtspAccess<IRtspMedia>> OpenReadAsync(RtspAccessRequest request, CancellationToken ct)
        {
            if (request.Path != "guarded")
            {
                return ValueTask.FromResult(RtspAccess<IRtspMedia>.Refused(RtspRefusal.NotFound, "no such stream"));
            }
            if (request.Credentials?.BasicPassword != ReaderPassword)
            {
                return ValueTask.FromResult(RtspAccess<IRtspMedia>.Refused(RtspRefusal.Unauthorized, "a token, please"));
            }
            Reads.Enqueue(request);
            return ValueTask.FromResult(RtspAccess<IRtspMedia>.Granted(_media));
        }

        public RtspAccess<IRtspPublishTarget> OpenPublish(RtspAccessRequest request) =>
            request.Credentials?.Matches(Password) == true
                ? RtspAccess<IRtspPublishTarget>.Granted(new Target(this))
                : RtspAccess<IRtspPublishTarget>.Refused(RtspRefusal.Unauthorized, "wrong publish password", RtspChallenge.BasicAndDigest);

        private sealed class Target(TestPaths paths) : IRtspPublishTarget
        {
            public IRtspPublishSession? TryBegin(IReadOnlyList<MediaTrack> tracks, RtspPublisherInfo publisher, Action<string> disconnect, out string? refusal)
            {
                if (!paths.Publishers.IsEmpty)
                {
                    refusal = "another publisher is connected";
                    return null;
                }
                refusal = null;
                var session = new TestPublisher();
                paths.Publishers.Enqueue(session);
                return session;
            }
        }
    }

    private sealed class TestPublisher : IRtspPublishSession
    {
        public ConcurrentQueue<string> Packets { get; } = new();

        public string? Transport { get; private set; }

        public string? EndReason { get; private set; }

        public void OnRecord(string transport) => Transport = transport;

        public void OnRtp(int track, ReadOnlySpan<byte> packet) =>
            Packets.Enqueue($"rtp {track} seq {BinaryPrimitives.ReadUInt16BigEndian(packet[2..])}");

        public void OnRtcp(int track, ReadOnlySpan<byte> packet) => Packets.Enqueue($"rtcp {track}");

        public void End(string reason) => EndReason = reason;
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
