using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using LiveMux.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Client;

namespace LiveMux.Rtsp.Tests.Integration;

/// <summary>UDP, Auto fallback, rtsps and redirects against the GStreamer camera, the impair proxy and scripted servers.</summary>
public sealed partial class RtspTransportIntegrationTests
{
    private const string Sdp = "v=0\r\na=control:*\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=1\r\n";

    private static readonly RtspClientOptions s_options = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(3),
        ResponseTimeout = TimeSpan.FromSeconds(5),
        MediaTimeout = TimeSpan.FromSeconds(5),
        ReceiverReportInterval = TimeSpan.FromMilliseconds(300),
    };

    private static RtspUrl Url(string text)
    {
        Assert.True(RtspUrl.TryParse(text, out var url, out var error), error);
        return url;
    }

    private static Task<RtspPlaySession> PlayAsync(string url, RtspClientOptions options, CancellationToken ct) =>
        new RtspClient(options, NullLogger.Instance, TimeProvider.System).PlayAsync(Url(url), t => t.MediaType == "video", ct);

    /// <summary>Plays until the sink has enough, then stops the session; returns the stats.</summary>
    private static async Task<RtspSessionStats> RunUntilAsync(RtspPlaySession session, SeqSink sink, CancellationToken ct)
    {
        await using (session)
        {
            using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var loop = session.RunAsync(sink, run.Token);
            var done = await Task.WhenAny(sink.Enough.Task, loop);
            await done; // a failed loop throws here
            await run.CancelAsync();
            await loop;
        }
        return session.GetStats();
    }

    [Theory]
    [InlineData(RtspTransport.Tcp, RtspTransport.Tcp)]
    [InlineData(RtspTransport.Udp, RtspTransport.Udp)]
    [InlineData(RtspTransport.Auto, RtspTransport.Udp)]
    public async Task Gstreamer_with_digest_plays_over_each_transport(RtspTransport configured, RtspTransport used)
    {
        await using var camera = await TestCamera.StartAsync(0, "--user", "viewer", "--password", "pw:1", "--fps", "30", "--gop", "30");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var session = await PlayAsync(camera.Url("viewer", "pw:1"), s_options with { Transport = configured }, timeout.Token);
        Assert.Equal(used, session.Transport);
        Assert.Null(session.FallbackReason);
        var sink = new SeqSink(enoughRtp: 90, enoughRtcp: 1);
        var stats = await RunUntilAsync(session, sink, timeout.Token);

        Assert.True(sink.Sequences.Count >= 90, $"{sink.Sequences.Count} packets");
        Assert.Equal(0, sink.Inversions);
        Assert.True(sink.RtcpCount >= 1);
        var track = Assert.Single(stats.Tracks);
        Assert.True(track.PacketsReceived >= sink.Sequences.Count);
        Assert.True(track.PacketsLost <= track.PacketsExpected / 100, $"lost {track.PacketsLost} of {track.PacketsExpected} on loopback");
        Assert.InRange(track.JitterMilliseconds, 0, 1000);
        Assert.Equal(0, stats.GarbagePackets + stats.ForeignPackets + stats.QueueOverflows);
        if (used == RtspTransport.Udp)
        {
            Assert.True(stats.ReceiverReportsSent >= 1 || sink.Elapsed < TimeSpan.FromMilliseconds(300), $"{stats.ReceiverReportsSent} RRs");
        }
        await camera.WaitForSessionsAsync(0, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Udp_session_restores_order_counts_garbage_and_foreign_packets_and_reports_to_the_camera()
    {
        using var serverRtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var serverRtcp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        serverRtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        serverRtcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var rtpPort = ((IPEndPoint)serverRtp.LocalEndPoint!).Port;
        var rtcpPort = ((IPEndPoint)serverRtcp.LocalEndPoint!).Port;
        await using var server = new FakeRtspServer((head, _) => ScriptedCamera(head, udp: $"server_port={rtpPort}-{rtcpPort}", tcp: false));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var session = await PlayAsync($"rtsp://127.0.0.1:{server.Port}/live", s_options with { Transport = RtspTransport.Udp }, timeout.Token);
        Assert.Equal(RtspTransport.Udp, session.Transport);

        // The NAT punch reached both server ports before PLAY: an empty RTP packet and an RTCP RR + SDES.
        var punch = new byte[2048];
        var rtpPunch = await serverRtp.ReceiveFromAsync(punch, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        Assert.Equal(12, rtpPunch.ReceivedBytes);
        Assert.Equal(0x80, punch[0]);
        Assert.Equal(96, punch[1]);
        var clientRtcp = (IPEndPoint)(await serverRtcp.ReceiveFromAsync(punch, new IPEndPoint(IPAddress.Any, 0), timeout.Token)).RemoteEndPoint;
        Assert.Equal(201, punch[1]);
        var clientRtp = new IPEndPoint(IPAddress.Loopback, ClientPortOf(server.Requests));
        Assert.Equal(clientRtp.Port + 1, clientRtcp.Port);
        Assert.Equal(0, clientRtp.Port % 2);

        var sink = new SeqSink(enoughRtp: 6, enoughRtcp: 1);
        var run = session.RunAsync(sink, timeout.Token);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var foreign = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        foreign.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        foreach (var seq in new ushort[] { 100, 102, 101, 103 })
        {
            sender.SendTo(Rtp(seq), clientRtp);
        }
        sender.SendTo([1, 2, 3], clientRtp);                       // garbage: too short for RTP
        sender.SendTo(new byte[20], clientRtp);                     // garbage: version 0
        foreign.SendTo(Rtp(104), clientRtp);                        // right shape, wrong sender
        sender.SendTo(SenderReport(), clientRtcp);
        sender.SendTo(Rtp(104), clientRtp);
        sender.SendTo(Rtp(106), clientRtp);                         // 105 never comes: given up after 50 ms
        await Task.Delay(100, timeout.Token);
        sender.SendTo(Rtp(107), clientRtp);
        await sink.Enough.Task.WaitAsync(timeout.Token);

        // A receiver report with a block about our source arrives within the (300 ms) interval.
        var report = new byte[2048];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        int n;
        do
        {
            n = (await serverRtcp.ReceiveFromAsync(report, new IPEndPoint(IPAddress.Any, 0), timeout.Token)).ReceivedBytes;
        }
        while (((report[0] & 0x1F) == 0 || BinaryPrimitives.ReadUInt32BigEndian(report.AsSpan(16)) != 107) && DateTime.UtcNow < deadline);
        Assert.Equal(0x81, report[0]);
        Assert.Equal(201, report[1]);
        Assert.Equal(0x0BADF00Du, BinaryPrimitives.ReadUInt32BigEndian(report.AsSpan(8)));
        Assert.Equal(107u, BinaryPrimitives.ReadUInt32BigEndian(report.AsSpan(16)));   // extended highest seq
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(report.AsSpan(12)) & 0xFFFFFF); // 105 lost
        Assert.Equal(0x5678_9ABCu, BinaryPrimitives.ReadUInt32BigEndian(report.AsSpan(24))); // LSR from our SR
        Assert.Contains("livemux@127.0.0.1", Encoding.ASCII.GetString(report, 32, n - 32), StringComparison.Ordinal);

        // Read once the session is over: the report counter moves after the send returns, which may be
        // after the report above has already arrived.
        await session.DisposeAsync();
        await run;
        var stats = session.GetStats();
        Assert.Equal([100, 101, 102, 103, 104, 106, 107], sink.Sequences);
        Assert.Equal(1, sink.RtcpCount);
        var track = Assert.Single(stats.Tracks);
        Assert.Equal(7, track.PacketsReceived);
        Assert.Equal(1, track.PacketsLost);
        Assert.Equal(1, track.PacketsReordered);
        Assert.Equal(1, track.PacketsSkipped);
        Assert.Equal(2, stats.GarbagePackets);
        Assert.Equal(1, stats.ForeignPackets);
        Assert.True(stats.ReceiverReportsSent >= 1);
        Assert.Contains(server.Requests, r => r.StartsWith("TEARDOWN ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Udp_queue_is_bounded_and_overflow_is_counted()
    {
        await using var server = new FakeRtspServer((head, _) => ScriptedCamera(head, udp: "server_port=9-10", tcp: false));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var options = s_options with { Transport = RtspTransport.Udp, UdpQueueCapacity = 4 };
        var session = await PlayAsync($"rtsp://127.0.0.1:{server.Port}/live", options, timeout.Token);
        await using (session)
        {
            var clientRtp = new IPEndPoint(IPAddress.Loopback, ClientPortOf(server.Requests));
            using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            // Nothing drains the queue before RunAsync: 4 fit, 16 overflow.
            for (ushort seq = 1; seq <= 20; seq++)
            {
                sender.SendTo(Rtp(seq), clientRtp);
            }
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (session.GetStats().QueueOverflows < 16 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, timeout.Token);
            }
            Assert.Equal(16, session.GetStats().QueueOverflows);
            var sink = new SeqSink(enoughRtp: 4, enoughRtcp: 0);
            var run = session.RunAsync(sink, timeout.Token);
            await sink.Enough.Task.WaitAsync(timeout.Token);
            Assert.Equal([1, 2, 3, 4], sink.Sequences);
        }
    }

    [Theory]
    [InlineData("461 Unsupported Transport", "461")]
    [InlineData("400 Bad Request", "400")]
    [InlineData("200 OK", "no RTP over UDP")]
    public async Task Auto_falls_back_to_tcp_with_a_new_session(string udpAnswer, string reason)
    {
        await using var server = new FakeRtspServer((head, _) =>
            ScriptedCamera(head, udp: "server_port=9-10", tcp: true, udpStatus: udpAnswer));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var options = s_options with { Transport = RtspTransport.Auto, UdpFirstPacketTimeout = TimeSpan.FromMilliseconds(500) };
        var session = await PlayAsync($"rtsp://127.0.0.1:{server.Port}/live", options, timeout.Token);
        await using (session)
        {
            Assert.Equal(RtspTransport.Tcp, session.Transport);
            Assert.Contains(reason, session.FallbackReason, StringComparison.Ordinal);
            Assert.Equal(RtspTransport.Tcp, session.GetStats().Transport);
            var sink = new SeqSink(enoughRtp: 2, enoughRtcp: 0);
            var run = session.RunAsync(sink, timeout.Token);
            await sink.Enough.Task.WaitAsync(timeout.Token);
            Assert.Equal([1, 2], sink.Sequences.Take(2));
        }
        Assert.Equal(2, server.Connections);
        var setups = server.Requests.Where(r => r.StartsWith("SETUP", StringComparison.Ordinal)).ToList();
        Assert.Contains("client_port=", setups[0], StringComparison.Ordinal);
        // The scripted camera sends no Content-Base: the request URL is the base of "trackID=1" and of "*".
        Assert.StartsWith($"SETUP rtsp://127.0.0.1:{server.Port}/live/trackID=1 RTSP/1.0", setups[0], StringComparison.Ordinal);
        Assert.Contains(server.Requests, r => r.StartsWith($"PLAY rtsp://127.0.0.1:{server.Port}/live RTSP/1.0", StringComparison.Ordinal));
        Assert.Contains("interleaved=0-1", setups[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rtsps_self_signed_camera_needs_consent_or_a_pin()
    {
        var dir = Directory.CreateTempSubdirectory("livemux-tls-");
        try
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var certPath = Path.Combine(dir.FullName, "cert.pem");
            var keyPath = Path.Combine(dir.FullName, "key.pem");
            await File.WriteAllTextAsync(certPath, cert.ExportCertificatePem());
            await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
            var thumbprint = Convert.ToHexString(SHA256.HashData(cert.RawData));

            await using var camera = await TestCamera.StartAsync(0, "--tls-cert", certPath, "--tls-key", keyPath, "--fps", "30", "--gop", "30");
            Assert.Equal("rtsps", camera.Scheme);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

            var refused = await Assert.ThrowsAsync<RtspException>(() => PlayAsync(camera.Url(), s_options, timeout.Token));
            Assert.Equal(RtspErrorKind.CertificateRejected, refused.Kind);
            Assert.Contains("AllowSelfSignedCertificate", refused.Message, StringComparison.Ordinal);

            var wrongPin = await Assert.ThrowsAsync<RtspException>(() =>
                PlayAsync(camera.Url(), s_options with { CertificateThumbprint = new string('A', 64) }, timeout.Token));
            Assert.Equal(RtspErrorKind.CertificateRejected, wrongPin.Kind);
            Assert.Contains(thumbprint, wrongPin.Message, StringComparison.Ordinal);

            foreach (var options in new[]
            {
                s_options with { AllowSelfSignedCertificate = true, Transport = RtspTransport.Udp }, // rtsps keeps RTP inside TLS
                s_options with { CertificateThumbprint = thumbprint.ToLowerInvariant() },
            })
            {
                var session = await PlayAsync(camera.Url(), options, timeout.Token);
                Assert.Equal(RtspTransport.Tcp, session.Transport);
                var sink = new SeqSink(enoughRtp: 30, enoughRtcp: 0);
                var stats = await RunUntilAsync(session, sink, timeout.Token);
                Assert.True(stats.Tracks[0].PacketsReceived >= 30);
                Assert.Equal(0, sink.Inversions);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Redirects_are_followed_with_credentials_only_to_the_same_host()
    {
        await using var target = new FakeRtspServer((head, _) =>
            head.Contains("Authorization: Basic ", StringComparison.Ordinal)
                ? ScriptedCamera(head, udp: null, tcp: true)
                : FakeRtspServer.Reply(FakeRtspServer.CSeqOf(head), "401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"cam\""));
        await using var sameHost = new FakeRtspServer((head, _) => head.StartsWith("DESCRIBE", StringComparison.Ordinal)
            ? FakeRtspServer.Reply(FakeRtspServer.CSeqOf(head), $"302 Moved\r\nLocation: rtsp://127.0.0.1:{target.Port}/moved")
            : FakeRtspServer.Reply(FakeRtspServer.CSeqOf(head), "200 OK"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        var session = await PlayAsync($"rtsp://admin:pw@127.0.0.1:{sameHost.Port}/old", s_options, timeout.Token);
        await session.DisposeAsync();
        Assert.Contains(target.Requests, r => r.StartsWith($"DESCRIBE rtsp://127.0.0.1:{target.Port}/moved", StringComparison.Ordinal)
            && r.Contains("Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:pw")), StringComparison.Ordinal));

        // "localhost" is another host name: the password must not follow, so the target's 401 finds no credentials.
        await using var otherHost = new FakeRtspServer((head, _) =>
            FakeRtspServer.Reply(FakeRtspServer.CSeqOf(head), $"301 Moved\r\nLocation: rtsp://localhost:{target.Port}/moved"));
        var before = target.Requests.Count;
        var error = await Assert.ThrowsAsync<RtspException>(() =>
            PlayAsync($"rtsp://admin:pw@127.0.0.1:{otherHost.Port}/old", s_options, timeout.Token));
        Assert.Equal(RtspErrorKind.AuthenticationFailed, error.Kind);
        Assert.All(target.Requests.Skip(before), r => Assert.DoesNotContain("Authorization", r, StringComparison.Ordinal));

        // A loop ends after MaxRedirects hops with a clear error.
        FakeRtspServer? loop = null;
        loop = new FakeRtspServer((head, _) =>
            FakeRtspServer.Reply(FakeRtspServer.CSeqOf(head), $"307 Temporary\r\nLocation: rtsp://127.0.0.1:{loop!.Port}/again"));
        await using (loop)
        {
            var tooMany = await Assert.ThrowsAsync<RtspException>(() => PlayAsync($"rtsp://u:secret@127.0.0.1:{loop.Port}/x", s_options, timeout.Token));
            Assert.Equal(RtspErrorKind.TooManyRedirects, tooMany.Kind);
            Assert.DoesNotContain("secret", tooMany.Message, StringComparison.Ordinal);
            Assert.Equal(6, loop.Connections);
        }
    }

    [Fact]
    public async Task Impaired_udp_path_is_put_back_in_order_and_loss_is_counted()
    {
        await using var camera = await TestCamera.StartAsync(0, "--fps", "30", "--gop", "30", "--bitrate", "3000");
        await using var proxy = await ImpairProxy.StartAsync(camera.Port, lossPercent: 2, reorderPercent: 5, seed: 11);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var session = await PlayAsync(proxy.Url(camera.Path), s_options with { Transport = RtspTransport.Udp }, timeout.Token);
        var sink = new SeqSink(enoughRtp: 1500, enoughRtcp: 0);
        var stats = await RunUntilAsync(session, sink, timeout.Token);
        var relayed = await proxy.StatsAsync();

        var track = Assert.Single(stats.Tracks);
        Assert.Equal(0, sink.Inversions);
        Assert.True(track.PacketsReceived >= 1500);
        // The proxy dropped ~2%; the client counts the same losses (a few may still be in flight at the end).
        Assert.InRange(track.LossRatio, 0.01, 0.035);
        Assert.InRange(track.PacketsLost, relayed.Dropped - 8, relayed.Dropped + 1);
        // Every packet the proxy held back came late and was put back in place.
        Assert.InRange(track.PacketsReordered, relayed.Reordered - 12, relayed.Reordered);
        Assert.True(track.PacketsReordered > 20, $"{track.PacketsReordered} reordered");
        Assert.True(track.PacketsLate <= 2, $"{track.PacketsLate} late");
        // Gaps given up are the losses, plus the few packets that came after their gap was given up.
        Assert.InRange(track.PacketsSkipped, track.PacketsLost, track.PacketsLost + track.PacketsLate + 2);
    }

    private static byte[] ScriptedCamera(string head, string? udp, bool tcp, string udpStatus = "200 OK")
    {
        var cseq = FakeRtspServer.CSeqOf(head);
        var method = head[..head.IndexOf(' ', StringComparison.Ordinal)];
        var isUdpSetup = method == "SETUP" && head.Contains("client_port=", StringComparison.Ordinal);
        return method switch
        {
            "OPTIONS" => FakeRtspServer.Reply(cseq, "200 OK\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN"),
            // No Content-Base: the request URL is the base.
            "DESCRIBE" => FakeRtspServer.Reply(cseq, "200 OK\r\nContent-Type: application/sdp", Sdp),
            "SETUP" when isUdpSetup && udpStatus != "200 OK" => FakeRtspServer.Reply(cseq, udpStatus),
            "SETUP" when isUdpSetup => FakeRtspServer.Reply(cseq,
                $"200 OK\r\nSession: S1;timeout=30\r\nTransport: RTP/AVP;unicast;client_port={ClientPortOf([head])}-{ClientPortOf([head]) + 1};{udp}"),
            "SETUP" => FakeRtspServer.Reply(cseq, "200 OK\r\nSession: S2;timeout=30\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1"),
            "PLAY" when tcp && !head.Contains("Session: S1", StringComparison.Ordinal) =>
                [.. FakeRtspServer.Reply(cseq, "200 OK"), .. Interleaved(Rtp(1)), .. Interleaved(Rtp(2)), .. Interleaved(Rtp(3))],
            _ => FakeRtspServer.Reply(cseq, "200 OK"),
        };
    }

    private static int ClientPortOf(IEnumerable<string> requests)
    {
        foreach (var r in requests)
        {
            if (ClientPort().Match(r) is { Success: true } m)
            {
                return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException("no client_port in the requests");
    }

    [GeneratedRegex(@"client_port=(\d+)")]
    private static partial Regex ClientPort();

    private static byte[] Interleaved(byte[] packet) => [(byte)'$', 0, (byte)(packet.Length >> 8), (byte)packet.Length, .. packet];

    private static byte[] Rtp(ushort seq)
    {
        var p = new byte[20];
        p[0] = 0x80;
        p[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), seq * 3000u);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(8), 0x0BADF00D);
        return p;
    }

    private static byte[] SenderReport()
    {
        var p = new byte[28];
        p[0] = 0x80;
        p[1] = 200;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), 6);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), 0x0BADF00D);
        BinaryPrimitives.WriteUInt64BigEndian(p.AsSpan(8), 0x1234_5678_9ABC_DEF0);
        return p;
    }

    /// <summary>Records RTP sequence numbers in delivery order.</summary>
    private sealed class SeqSink(int enoughRtp, int enoughRtcp) : IRtpSink
    {
        private readonly DateTime _start = DateTime.UtcNow;

        public List<int> Sequences { get; } = [];
        public int Inversions { get; private set; }
        public int RtcpCount { get; private set; }
        public TimeSpan Elapsed => DateTime.UtcNow - _start;
        public TaskCompletionSource Enough { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnRtcpPacket(int trackIndex, ReadOnlySpan<byte> packet)
        {
            Assert.Equal(2, packet[0] >> 6);
            RtcpCount++;
            Check();
        }

        public void OnMalformedRtp(int trackIndex, RtpParseStatus status, int size) => Assert.Fail($"malformed RTP: {status}");

        public void OnRtpPacket(int trackIndex, in RtpPacket packet, int size)
        {
            Assert.Equal(0, trackIndex);
            var seq = packet.SequenceNumber;
            if (Sequences.Count > 0 && (short)(seq - (ushort)Sequences[^1]) <= 0)
            {
                Inversions++;
            }
            Sequences.Add(seq);
            Check();
        }

        private void Check()
        {
            if (Sequences.Count >= enoughRtp && RtcpCount >= enoughRtcp)
            {
                Enough.TrySetResult();
            }
        }
    }
}
