using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LiveMux.Rtsp.Client;

namespace LiveMux.Rtsp.Tests.Integration;

/// <summary>A loss in a UDP video track asks the camera for a keyframe (RTCP PLI), at most once per interval.</summary>
public sealed partial class RtspTransportIntegrationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_given_up_gap_sends_one_pli_and_a_loss_inside_the_interval_sends_one_more_after_it(bool enabled)
    {
        using var serverRtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var serverRtcp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        serverRtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        serverRtcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var ports = $"server_port={((IPEndPoint)serverRtp.LocalEndPoint!).Port}-{((IPEndPoint)serverRtcp.LocalEndPoint!).Port}";
        await using var server = new FakeRtspServer((head, _) => ScriptedCamera(head, udp: ports, tcp: false));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var interval = TimeSpan.FromMilliseconds(400);
        var options = s_options with
        {
            Transport = RtspTransport.Udp,
            ReceiverReportInterval = TimeSpan.FromMinutes(10), // only the punch and the PLIs reach the RTCP port
            RequestKeyframeOnLoss = enabled,
            KeyframeRequestMinInterval = interval,
        };
        var session = await PlayAsync($"rtsp://127.0.0.1:{server.Port}/live", options, timeout.Token);
        var buffer = new byte[2048];
        await serverRtcp.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), timeout.Token); // the NAT punch
        var clientRtp = new IPEndPoint(IPAddress.Loopback, ClientPortOf(server.Requests));
        var sink = new SeqSink(enoughRtp: 1000, enoughRtcp: 0);
        var run = session.RunAsync(sink, timeout.Token);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        foreach (var seq in new ushort[] { 1, 2, 4 }) // 3 is lost
        {
            sender.SendTo(Rtp(seq), clientRtp);
        }
        var first = await NextPliAsync(serverRtcp, TimeSpan.FromSeconds(enabled ? 3 : 0.6), timeout.Token);
        var clock = Stopwatch.StartNew();
        foreach (var seq in new ushort[] { 5, 7 }) // 6 is lost, inside the interval
        {
            sender.SendTo(Rtp(seq), clientRtp);
        }
        var second = await NextPliAsync(serverRtcp, TimeSpan.FromSeconds(enabled ? 3 : 0.6), timeout.Token);
        var secondAfter = clock.Elapsed;
        var third = await NextPliAsync(serverRtcp, interval * 2, timeout.Token); // nothing more was lost

        var stats = session.GetStats();
        await session.DisposeAsync();
        await run;
        Assert.Equal(2, stats.Tracks[0].PacketsSkipped);
        Assert.Null(third);
        if (!enabled)
        {
            Assert.Null(first);
            Assert.Null(second);
            Assert.Equal(0, stats.KeyframeRequestsSent);
            return;
        }

        Assert.Equal(0x0BADF00Du, first); // the PLI names the camera's video source
        Assert.Equal(0x0BADF00Du, second);
        Assert.True(secondAfter > interval / 2, $"second PLI {secondAfter.TotalMilliseconds:0} ms after the first gap was answered");
        Assert.Equal(2, stats.KeyframeRequestsSent);
    }

    /// <summary>The media SSRC of the next PLI in a compound packet on <paramref name="rtcp"/>, or null after <paramref name="wait"/>.</summary>
    private static async Task<uint?> NextPliAsync(Socket rtcp, TimeSpan wait, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(wait);
        var buffer = new byte[2048];
        try
        {
            while (true)
            {
                var n = (await rtcp.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), cts.Token)).ReceivedBytes;
                for (var offset = 0; offset + 12 <= n; offset += 4 * (BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(offset + 2)) + 1))
                {
                    if (buffer[offset + 1] == 206 && (buffer[offset] & 0x1F) == 1)
                    {
                        Assert.Equal(201, buffer[1]); // the compound begins with a receiver report
                        return BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(offset + 8));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
