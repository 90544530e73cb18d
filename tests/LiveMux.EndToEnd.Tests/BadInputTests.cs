using System.Net;
using System.Net.Sockets;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// Every kind of bad upstream at once, beside a good camera: each bad stream reports a clear reason in the
/// API and to its viewers, while the server stays up and the good stream keeps playing.
/// </summary>
[Collection("e2e")]
public sealed class BadInputTests
{
    private const string GoodSdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:track1\r\n";

    [Fact]
    public async Task Bad_cameras_get_clear_errors_and_leave_the_good_one_alone()
    {
        await using var camera = await TestCamera.StartAsync(0, "--user", "admin", "--password", "right", "--fps", "30", "--gop", "30");

        // Answers HTTP on an RTSP port, like a misconfigured URL pointing at a web UI.
        await using var http = new HostileServer((_, _) => "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray());

        // DESCRIBE returns something that is not SDP.
        await using var badSdp = new HostileServer((method, cseq) => method switch
        {
            "OPTIONS" => HostileServer.Reply(cseq, "200 OK", "Public: OPTIONS, DESCRIBE, SETUP, PLAY\r\n"),
            "DESCRIBE" => HostileServer.Reply(cseq, "200 OK", "Content-Type: application/sdp\r\n", "this is not an SDP\r\nm=\r\n"),
            _ => null,
        });

        // A proper handshake, then noise where interleaved RTP should be.
        await using var garbage = new HostileServer((method, cseq) => method switch
        {
            "OPTIONS" => HostileServer.Reply(cseq, "200 OK", "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n"),
            "DESCRIBE" => HostileServer.Reply(cseq, "200 OK", "Content-Type: application/sdp\r\n", GoodSdp),
            "SETUP" => HostileServer.Reply(cseq, "200 OK", "Session: 1234;timeout=60\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n"),
            "PLAY" => [.. HostileServer.Reply(cseq, "200 OK", "Session: 1234\r\n"), .. Garbage(64 * 1024)],
            _ => null,
        });

        // Replies whose headers pass LiveMux's limits: 400 header lines (100 at most), and one endless line (16 KB at most).
        await using var bigHeaders = new HostileServer((_, cseq) =>
            HostileServer.Reply(cseq, "200 OK", string.Concat(Enumerable.Range(0, 400).Select(i => $"X-Vendor-{i}: {new string('v', 40)}\r\n"))));
        await using var longLine = new HostileServer((_, cseq) =>
            HostileServer.Reply(cseq, "200 OK", $"Public: {new string('O', 20 * 1024)}\r\n"));

        var closedPort = ClosedPort();
        await using var server = await LiveMuxProcess.StartAsync(
            $"--LiveMux:Streams:good:Url={camera.Url("admin", "right")}",
            $"--LiveMux:Streams:badpass:Url={camera.Url("admin", "wrong-password")}",
            $"--LiveMux:Streams:refused:Url=rtsp://127.0.0.1:{closedPort}/x",
            "--LiveMux:Streams:nohost:Url=rtsp://192.0.2.1/x", // TEST-NET-1: never routed
            "--LiveMux:Streams:nohost:ConnectTimeout=00:00:02",
            $"--LiveMux:Streams:http:Url={http.Url}",
            $"--LiveMux:Streams:badsdp:Url={badSdp.Url}",
            $"--LiveMux:Streams:garbage:Url={garbage.Url}",
            $"--LiveMux:Streams:bigheaders:Url={bigHeaders.Url}",
            $"--LiveMux:Streams:longline:Url={longLine.Url}");

        await using var good = await WsViewer.ConnectAsync(server.WebSocketUrl("good"));
        // stream, words of the detail the API shows, words of the reason its viewer gets
        var cases = new (string Stream, string[] Words, string[] ViewerWords)[]
        {
            ("badpass", ["credentials", "401"], ["rejected the credentials"]),
            ("refused", ["refused", "unreachable"], ["unreachable (connection refused)"]),
            ("nohost", ["cannot connect", "unreachable", "timed out"], ["unreachable"]),
            ("http", ["RTSP", "malformed"], ["did not answer as an RTSP server"]),
            ("badsdp", ["SDP"], ["RTSP server", "codecs", "refused"]),
            ("garbage", ["interleaved", "not speaking RTSP", "malformed"], ["RTSP server", "more than LiveMux accepts", "closed"]),
            ("bigheaders", ["more than 100 header lines"], ["more than LiveMux accepts"]),
            ("longline", ["exceed the limit of 16384"], ["more than LiveMux accepts"]),
        };
        var viewers = new List<WsViewer>();
        try
        {
            foreach (var (stream, _, _) in cases)
            {
                viewers.Add(await WsViewer.ConnectAsync(server.WebSocketUrl(stream)));
            }

            for (var i = 0; i < cases.Length; i++)
            {
                var (stream, words, viewerWords) = cases[i];
                await viewers[i].WaitForAsync(v => v.HasMessage("error"), TimeSpan.FromSeconds(20), $"an error for {stream}");
                // Viewers are anonymous: a reason, without the camera's address or the first bytes of its answer.
                var error = viewers[i].Messages.First(m => m.GetProperty("type").GetString() == "error").GetProperty("value").GetString()!;
                Assert.StartsWith("camera unavailable: ", error, StringComparison.Ordinal);
                Assert.True(viewerWords.Any(w => error.Contains(w, StringComparison.OrdinalIgnoreCase)), $"{stream}: unclear viewer error '{error}'");
                foreach (var internalDetail in new[] { "127.0.0.1", "192.0.2.1", "HTTP/1.1", "rtsp://", ":554" })
                {
                    Assert.DoesNotContain(internalDetail, error, StringComparison.Ordinal);
                }

                // Admins see the detail.
                var api = await server.StreamAsync(stream);
                Assert.Equal("reconnecting", api.GetProperty("state").GetString());
                var detail = api.GetProperty("error").GetString() ?? "";
                Assert.True(words.Any(w => detail.Contains(w, StringComparison.OrdinalIgnoreCase)), $"{stream}: unclear error in the API '{detail}'");
            }

            await good.WaitForAsync(v => v.BinaryMessages > 60, TimeSpan.FromSeconds(20), "the good stream to keep playing");
            Assert.False(server.HasExited);
            Assert.DoesNotContain("wrong-password", server.Log, StringComparison.Ordinal);
            Assert.DoesNotContain("right@", server.Log, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var v in viewers)
            {
                await v.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Unknown_stream_and_unsupported_codec_are_refused_with_a_reason()
    {
        await using var server = await LiveMuxProcess.StartAsync();
        await using var unknown = await WsViewer.ConnectAsync(server.WebSocketUrl("nope"));
        await unknown.WaitForAsync(v => v.HasMessage("error", e => e.Contains("unknown stream", StringComparison.Ordinal)), TimeSpan.FromSeconds(5), "unknown stream error");

        // A browser that offers only HEVC cannot play the H.264 demo.
        await using var hevcOnly = await WsViewer.ConnectAsync(server.WebSocketUrl("demo"), codecs: "hvc1.1.6.L153.B0");
        await hevcOnly.WaitForAsync(v => v.HasMessage("error", e => e.Contains("avc1", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "codec refusal");
        Assert.Equal(0, hevcOnly.BinaryMessages);
    }

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        bytes[0] = 0x17; // neither '$' (an interleaved frame) nor the start of an RTSP message
        return bytes;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

}
