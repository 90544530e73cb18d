using System.Text;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Tests.Sdp;

public sealed class SessionDescriptionTests
{
    // name, sdp, session control, tracks as "media|pt|encoding|clock|channels|control"
    public static TheoryData<string, string, string?, string[]> Cameras => new()
    {
        {
            "hikvision", CameraSdps.HikvisionLike,
            "rtsp://192.168.1.64:554/Streaming/Channels/101/?transportmode=unicast",
            [
                "video|96|H264|90000|1|rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast",
                "audio|8|PCMA|8000|1|rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=2?transportmode=unicast",
            ]
        },
        {
            "dahua", CameraSdps.DahuaLike, "*",
            ["video|98|H265|90000|1|trackID=0", "audio|97|MPEG4-GENERIC|16000|1|trackID=1"]
        },
        {
            "axis", CameraSdps.AxisLike, "rtsp://192.168.0.90/axis-media/media.amp?videocodec=h264",
            [
                "video|96|H264|90000|1|rtsp://192.168.0.90/axis-media/media.amp/stream=0?videocodec=h264",
                "audio|0|PCMU|8000|1|rtsp://192.168.0.90/axis-media/media.amp/stream=1?videocodec=h264",
            ]
        },
        {
            "gstreamer", CameraSdps.GStreamerRtspServer, "rtsp://127.0.0.1:8554/test",
            ["video|96|H264|90000|1|stream=0", "audio|97|OPUS|48000|2|stream=1"]
        },
        {
            "minimal", CameraSdps.MinimalLowerCase, null,
            ["video|96|H264|90000|1|track1", "video|26|JPEG|90000|1|track2", "application|107|VND.ONVIF.METADATA|90000|1|"]
        },
    };

    [Theory]
    [MemberData(nameof(Cameras))]
    public void Parses_camera_sdp(string name, string text, string? sessionControl, string[] expected)
    {
        Assert.True(SessionDescription.TryParse(Encoding.UTF8.GetBytes(text), out var sdp, out var error), $"{name}: {error}");
        Assert.Null(error);
        Assert.Equal(sessionControl, sdp.Control);
        var actual = sdp.Tracks
            .Select(t => $"{t.MediaType}|{t.PayloadType}|{t.EncodingName}|{t.ClockRate}|{t.Channels}|{t.Control}")
            .ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Fmtp_keys_are_case_insensitive_and_values_trimmed_and_keep_base64_padding()
    {
        Assert.True(SessionDescription.TryParse(Encoding.UTF8.GetBytes(CameraSdps.HikvisionLike), out var sdp, out _));
        var fmtp = sdp.Tracks[0].FormatParameters;
        Assert.Equal("1", fmtp["PACKETIZATION-MODE"]);
        Assert.Equal("420029", fmtp["profile-level-id"]);
        Assert.Equal("Z00AKpWoHgCJ+WbgICAoAAADAAgAAAMBlCA=,aO48gA==", fmtp["sprop-parameter-sets"]);
        Assert.Empty(sdp.Tracks[1].FormatParameters);
    }

    [Fact]
    public void Fmtp_for_another_payload_type_is_not_applied()
    {
        var text = "v=0\nm=video 0 RTP/AVP 96\na=rtpmap:96 H264/90000\na=fmtp:97 packetization-mode=1\n";
        Assert.True(SessionDescription.TryParse(Encoding.UTF8.GetBytes(text), out var sdp, out _));
        Assert.Empty(sdp.Tracks[0].FormatParameters);
    }

    [Fact]
    public void Dynamic_payload_type_without_rtpmap_has_empty_encoding()
    {
        Assert.True(SessionDescription.TryParse("v=0\r\nm=video 0 RTP/AVP 100\r\n"u8, out var sdp, out _));
        var track = Assert.Single(sdp.Tracks);
        Assert.Equal("", track.EncodingName);
        Assert.Equal(0, track.ClockRate);
        Assert.Null(track.Control);
    }

    [Fact]
    public void Dahua_h265_parameters_are_read()
    {
        Assert.True(SessionDescription.TryParse(Encoding.UTF8.GetBytes(CameraSdps.DahuaLike), out var sdp, out _));
        Assert.Equal("QAEMAf//AWAAAAMAsAAAAwAAAwCWlwJA", sdp.Tracks[0].FormatParameters["sprop-vps"]);
        Assert.Equal("1408", sdp.Tracks[1].FormatParameters["config"]);
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "empty", "", "empty" },
        { "blank lines only", "\r\n\n  \n", "empty" },
        { "http response", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html></html>", "x=value" },
        { "html", "<html><body>login</body></html>", "x=value" },
        { "no version", "o=- 1 1 IN IP4 0.0.0.0\r\nm=video 0 RTP/AVP 96\r\n", "v=0" },
        { "wrong version", "v=1\r\nm=video 0 RTP/AVP 96\r\n", "v=0" },
        { "no media", "v=0\r\ns=x\r\nt=0 0\r\n", "no RTP media" },
        { "only non-rtp media", "v=0\r\nm=application 9 TCP/BFCP *\r\n", "no RTP media" },
        { "short m line", "v=0\r\nm=video 0 RTP/AVP\r\n", "m= line" },
        { "bad rtpmap clock", "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/abc\r\n", "rtpmap" },
        { "rtpmap without clock", "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264\r\n", "rtpmap" },
        { "rtpmap pt out of range", "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:300 H264/90000\r\n", "rtpmap" },
        { "fmtp without pt", "v=0\r\nm=video 0 RTP/AVP 96\r\na=fmtp:x mode=1\r\n", "fmtp" },
        { "nul byte", "v=0\r\nm=video 0 RTP/AVP 96\0\r\n", "control characters" },
        { "upper-case type", "v=0\r\nM=video 0 RTP/AVP 96\r\n", "x=value" },
        { "too many lines", "v=0\n" + string.Concat(Enumerable.Repeat("a=x\n", 1100)) + "m=video 0 RTP/AVP 96\n", "lines" },
        { "line too long", "v=0\nm=video 0 RTP/AVP 96\na=fmtp:96 x=" + new string('A', 5000) + "\n", "longer" },
        { "too large", "v=0\n" + new string('\n', 70_000), "larger" },
        { "too many media", "v=0\n" + string.Concat(Enumerable.Repeat("m=video 0 RTP/AVP 96\n", 33)), "media sections" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Rejects_malformed_sdp(string name, string text, string errorPart)
    {
        Assert.False(SessionDescription.TryParse(Encoding.UTF8.GetBytes(text), out var sdp, out var error), name);
        Assert.Null(sdp);
        Assert.Contains(errorPart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(1234);
        var buffer = new byte[512];
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(buffer);
            var length = random.Next(buffer.Length);
            if (random.Next(2) == 0 && length > 4)
            {
                "v=0\n"u8.CopyTo(buffer);
            }
            var ok = SessionDescription.TryParse(buffer.AsSpan(0, length), out var sdp, out var error);
            Assert.Equal(ok, sdp is not null);
            Assert.Equal(ok, error is null);
        }
    }

    [Fact]
    public void Every_prefix_parses_or_fails_without_throwing_and_full_input_succeeds()
    {
        var bytes = Encoding.UTF8.GetBytes(CameraSdps.HikvisionLike);
        for (var i = 0; i < bytes.Length; i++)
        {
            var ok = SessionDescription.TryParse(bytes.AsSpan(0, i), out var sdp, out var error);
            Assert.True(ok ? sdp!.Tracks.Count > 0 : error!.Length > 0);
        }
        Assert.True(SessionDescription.TryParse(bytes, out var full, out _));
        Assert.Equal(2, full.Tracks.Count);
    }
}
