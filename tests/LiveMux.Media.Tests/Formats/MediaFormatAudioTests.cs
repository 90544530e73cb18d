using System.Text;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Sdp;
using LiveMux.Media.Tests.Sdp;

namespace LiveMux.Media.Tests.Formats;

/// <summary>Audio tracks as cameras announce them, through the SDP parser into the format factory and the browser path's depacketizer.</summary>
public sealed class MediaFormatAudioTests
{
    private static MediaTrack Track(string media)
    {
        var sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + media;
        Assert.True(SessionDescription.TryParse(Encoding.UTF8.GetBytes(sdp), out var description, out var error), error);
        return description.Tracks.Single();
    }

    // name, m= section, expected "codec|timescale|default duration|sample entry type|channels in the entry", or null when unsupported
    public static TheoryData<string, string, string?> Cases => new()
    {
        { "PCMA static PT 8", "m=audio 0 RTP/AVP 8\r\n", "flac|8000|160|fLaC|1" },
        { "PCMU static PT 0", "m=audio 0 RTP/AVP 0\r\n", "flac|8000|160|fLaC|1" },
        { "PCMA 16 kHz stereo by rtpmap", "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 PCMA/16000/2\r\n", "flac|16000|320|fLaC|2" },
        { "Opus stereo", "m=audio 0 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 sprop-stereo=1\r\n", "opus|48000|960|Opus|2" },
        { "Opus sprop-stereo=0", "m=audio 0 RTP/AVP 111\r\na=rtpmap:111 OPUS/48000/2\r\na=fmtp:111 sprop-stereo=0\r\n", "opus|48000|960|Opus|1" },
        { "Opus without fmtp", "m=audio 0 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n", "opus|48000|960|Opus|2" },
        {
            "AAC-hbr 48 kHz stereo",
            "m=audio 0 RTP/AVP 96\r\na=rtpmap:96 mpeg4-generic/48000/2\r\na=fmtp:96 streamtype=5;profile-level-id=1;mode=AAC-hbr;config=1190;sizelength=13;indexlength=3;indexdeltalength=3\r\n",
            "mp4a.40.2|48000|1024|mp4a|2"
        },
        {
            "HE-AAC, clock at the output rate: 2048 ticks per AU",
            "m=audio 0 RTP/AVP 96\r\na=rtpmap:96 MPEG4-GENERIC/48000/2\r\na=fmtp:96 streamtype=5;mode=AAC-hbr;config=2B118800;sizelength=13;indexlength=3;indexdeltalength=3\r\n",
            "mp4a.40.5|48000|2048|mp4a|2"
        },
        { "AAC without config", "m=audio 0 RTP/AVP 96\r\na=rtpmap:96 MPEG4-GENERIC/48000/2\r\na=fmtp:96 mode=AAC-hbr;sizelength=13\r\n", null },
        { "AAC config not hex", "m=audio 0 RTP/AVP 96\r\na=rtpmap:96 MPEG4-GENERIC/48000/2\r\na=fmtp:96 mode=AAC-hbr;config=12G0\r\n", null },
        { "AAC sizelength not a number", "m=audio 0 RTP/AVP 96\r\na=rtpmap:96 MPEG4-GENERIC/48000/2\r\na=fmtp:96 mode=AAC-hbr;config=1190;sizelength=x\r\n", null },
        { "AAC headers without sizes", "m=audio 0 RTP/AVP 96\r\na=rtpmap:96 MPEG4-GENERIC/48000/2\r\na=fmtp:96 config=1190;indexlength=3\r\n", null },
        { "MP4A-LATM", "m=audio 0 RTP/AVP 96\r\na=rtpmap:96 MP4A-LATM/44100/2\r\na=fmtp:96 profile-level-id=15;object=2;cpresent=0;config=400024203fc0\r\n", "mp4a.40.2|44100|1024|mp4a|2" },
        // In-band StreamMuxConfig (cpresent=1, the default) is not supported.
        { "MP4A-LATM in-band config", "m=audio 0 RTP/AVP 96\r\na=rtpmap:96 MP4A-LATM/44100/2\r\na=fmtp:96 cpresent=1\r\n", null },
        { "MP4A-LATM audioMuxVersion 1", "m=audio 0 RTP/AVP 96\r\na=rtpmap:96 MP4A-LATM/44100/2\r\na=fmtp:96 cpresent=0;config=C0002420\r\n", null },
        { "G.722", "m=audio 0 RTP/AVP 9\r\n", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Creates_a_configured_depacketizer(string name, string media, string? expected)
    {
        var track = Track(media);
        Assert.Equal(expected is not null, MediaFormat.IsSupported(track));
        using var depacketizer = MseDepacketizer.TryCreate(track);
        if (expected is null)
        {
            Assert.Null(depacketizer);
            return;
        }

        Assert.NotNull(depacketizer);
        var config = depacketizer.Config;
        Assert.NotNull(config);
        Assert.Equal(TrackKind.Audio, config.Kind);
        var entry = config.SampleEntry;
        var channels = (entry[24] << 8) | entry[25];
        Assert.Equal(expected, $"{config.Codec}|{config.Timescale}|{config.DefaultDuration}|{Encoding.ASCII.GetString(entry, 4, 4)}|{channels}");
        Assert.Equal(entry.Length, (entry[0] << 24) | (entry[1] << 16) | (entry[2] << 8) | entry[3]);
        _ = name;
    }

    [Theory]
    [InlineData(nameof(CameraSdps.DahuaLike), "mp4a.40.2|16000")]
    [InlineData(nameof(CameraSdps.HikvisionLike), "flac|8000")]
    [InlineData(nameof(CameraSdps.AxisLike), "flac|8000")]
    [InlineData(nameof(CameraSdps.GStreamerRtspServer), "opus|48000")]
    public void Camera_sdps_give_an_audio_track(string camera, string expected)
    {
        var sdp = (string)typeof(CameraSdps).GetField(camera)!.GetValue(null)!;
        Assert.True(SessionDescription.TryParse(Encoding.UTF8.GetBytes(sdp), out var description, out var error), error);
        var audio = description.Tracks.Single(t => t.MediaType == "audio");
        using var depacketizer = MseDepacketizer.TryCreate(audio);
        Assert.NotNull(depacketizer?.Config);
        Assert.Equal(expected, $"{depacketizer.Config.Codec}|{depacketizer.Config.Timescale}");
    }
}
