using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LiveMux.Server.Tests.Endpoints;

/// <summary>The MSE handshake against the built-in demo camera (a loopback RTSP server in the same process).</summary>
public sealed class DemoStreamTests(DemoStreamTests.DemoFactory factory) : IClassFixture<DemoStreamTests.DemoFactory>
{
    public sealed class DemoFactory : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("LiveMux:Demo", "true");
            builder.UseSetting("LiveMux:Rtsp:Port", "0");
        }
    }

    [Fact]
    public async Task A_browser_offering_h264_gets_the_mse_reply_then_the_init_segment_then_keyframe_first_fragments()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var socket = await factory.Server.CreateWebSocketClient().ConnectAsync(new Uri(factory.Server.BaseAddress, "/api/ws?src=demo"), cts.Token);
        await socket.SendAsync("{\"type\":\"mse\",\"value\":\"avc1.640029,mp4a.40.2,hvc1.1.6.L153.B0\"}"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);

        var (type, first) = await ReceiveAsync(socket, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, type);
        using (var doc = JsonDocument.Parse(first))
        {
            Assert.Equal("mse", doc.RootElement.GetProperty("type").GetString());
            Assert.StartsWith("video/mp4; codecs=\"avc1.", doc.RootElement.GetProperty("value").GetString());
        }

        var binaries = new List<byte[]>();
        while (binaries.Count < 3)
        {
            var (kind, message) = await ReceiveAsync(socket, cts.Token);
            if (kind == WebSocketMessageType.Binary)
            {
                binaries.Add(message);
            }
        }

        Assert.Equal("ftyp", Encoding.ASCII.GetString(binaries[0], 4, 4));
        Assert.Equal("prft", Encoding.ASCII.GetString(binaries[1], 4, 4)); // producer reference time, then moof
        Assert.Equal("moof", Encoding.ASCII.GetString(binaries[1], 32 + 4, 4));

        // A viewer starts on a keyframe: the first fragment's one sample is a sync sample.
        Assert.Equal(0x02000000u, FirstSampleFlags(binaries[1]));

        // The viewer's init carries an edit list starting its timeline at its first frame, so a
        // player that never seeks (go2rtc's) finds data at 0 whatever the stream's age.
        var elst = IndexOf(binaries[0], "elst");
        Assert.True(elst > 0, "no edit list in the viewer's init segment");
        var mediaTime = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(binaries[0].AsSpan(elst + 20));
        var tfdt = IndexOf(binaries[1], "tfdt");
        var firstDecodeTime = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(binaries[1].AsSpan(tfdt + 8));
        Assert.Equal(firstDecodeTime, mediaTime);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
    }

    [Fact]
    public async Task A_go2rtc_player_that_offers_webrtc_first_is_served_mse()
    {
        // go2rtc's player (mode "webrtc,mse,...") may send its WebRTC offer, an SDP of several KB,
        // before the codec list. LiveMux does not answer WebRTC; the MSE request must still work.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var socket = await factory.Server.CreateWebSocketClient().ConnectAsync(new Uri(factory.Server.BaseAddress, "/api/ws?src=demo"), cts.Token);
        var sdp = "v=0\\r\\n" + string.Concat(Enumerable.Repeat("a=candidate:1 1 udp 2122260223 192.168.1.2 50000 typ host\\r\\n", 100));
        var offer = Encoding.UTF8.GetBytes($"{{\"type\":\"webrtc/offer\",\"value\":\"{sdp}\"}}");
        Assert.True(offer.Length > 6000);
        await socket.SendAsync(offer, WebSocketMessageType.Text, true, cts.Token);
        await socket.SendAsync("{\"type\":\"mse\",\"value\":\"avc1.640029,avc1.64002A,avc1.640033,hvc1.1.6.L153.B0,mp4a.40.2,mp4a.40.5,flac,opus\"}"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);

        var (type, first) = await ReceiveAsync(socket, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, type);
        using (var doc = JsonDocument.Parse(first))
        {
            Assert.Equal("mse", doc.RootElement.GetProperty("type").GetString());
        }

        var (kind, init) = await ReceiveAsync(socket, cts.Token);
        Assert.Equal(WebSocketMessageType.Binary, kind);
        Assert.Equal("ftyp", Encoding.ASCII.GetString(init, 4, 4));
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
    }

    [Fact]
    public async Task A_browser_without_h264_is_told_which_codec_it_cannot_play()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var socket = await factory.Server.CreateWebSocketClient().ConnectAsync(new Uri(factory.Server.BaseAddress, "/api/ws?src=demo"), cts.Token);
        await socket.SendAsync("{\"type\":\"mse\",\"value\":\"hvc1.1.6.L153.B0,mp4a.40.2\"}"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
        var (type, message) = await ReceiveAsync(socket, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, type);
        using var doc = JsonDocument.Parse(message);
        Assert.Equal("error", doc.RootElement.GetProperty("type").GetString());
        Assert.Contains("cannot play the stream's codec avc1.", doc.RootElement.GetProperty("value").GetString());
    }

    private static async Task<(WebSocketMessageType Type, byte[] Message)> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        using var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, message.ToArray());
            }
        }
    }

    /// <summary>sample_flags of the one sample in trun (version 1, flags data-offset|duration|size|flags|cto).</summary>
    private static uint FirstSampleFlags(byte[] fragment)
    {
        var trun = fragment.AsSpan().IndexOf("trun"u8);
        Assert.True(trun > 0, "no trun");
        Assert.Equal(0x01000F01u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(fragment.AsSpan(trun + 4)));
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(fragment.AsSpan(trun + 24));
    }

    private static int IndexOf(byte[] data, string fourCc) => data.AsSpan().IndexOf(Encoding.ASCII.GetBytes(fourCc));
}
