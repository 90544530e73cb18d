using System.Text;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;
using LiveMux.Media.Sdp;
using LiveMux.Media.Tests.Rtp;

namespace LiveMux.Media.Tests.Formats;

/// <summary>
/// What a format writes into an SDP, read back by our SDP parser and format factory, is the same format; and
/// the lines are what RFC 6184, 7798, 3640, 6416, 7587 and 3551 spell.
/// </summary>
public sealed class MediaFormatSdpTests
{
    public static TheoryData<string, string> Cases => new()
    {
        {
            "h264",
            $"m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;sprop-parameter-sets={B64(SyntheticH264.Sps320)},{B64(SyntheticH264.Pps320)}\r\n"
        },
        {
            "h265",
            $"m=video 0 RTP/AVP 96\r\na=rtpmap:96 H265/90000\r\na=fmtp:96 sprop-vps={B64(SyntheticH265.Vps)};sprop-sps={B64(SyntheticH265.Sps)};sprop-pps={B64(SyntheticH265.Pps)}\r\n"
        },
        { "aac", "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 mpeg4-generic/48000/2\r\na=fmtp:97 streamtype=5;mode=AAC-hbr;config=1190;sizelength=13;indexlength=3;indexdeltalength=3\r\n" },
        { "latm", "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MP4A-LATM/44100/2\r\na=fmtp:97 cpresent=0;config=400024203fc0\r\n" },
        { "opus mono", "m=audio 0 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 sprop-stereo=0;sprop-maxcapturerate=16000\r\n" },
        { "pcma", "m=audio 0 RTP/AVP 8\r\n" },
        { "pcmu 16 kHz stereo", "m=audio 0 RTP/AVP 98\r\na=rtpmap:98 PCMU/16000/2\r\n" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_format_read_back_from_its_own_attributes_is_the_same(string name, string media)
    {
        var format = Format(media);
        var written = string.Concat(format.SdpAttributes(format.PayloadType).Select(a => $"a={a}\r\n"));
        var again = Format($"m={(format.Kind == TrackKind.Video ? "video" : "audio")} 0 RTP/AVP {format.PayloadType}\r\n{written}");

        Assert.Equal(format.GetType(), again.GetType());
        Assert.Equal(Describe(format), Describe(again));
        Assert.Equal(written, string.Concat(again.SdpAttributes(again.PayloadType).Select(a => $"a={a}\r\n")));
        _ = name;
    }

    [Fact]
    public void The_lines_are_the_ones_the_rfcs_spell()
    {
        var h264 = Format((string)Cases.Single(c => (string)c[0] == "h264")[1]);
        Assert.Equal(
            [
                "rtpmap:96 H264/90000",
                $"fmtp:96 packetization-mode=1;profile-level-id={Convert.ToHexString(SyntheticH264.Sps320, 1, 3)};sprop-parameter-sets={B64(SyntheticH264.Sps320)},{B64(SyntheticH264.Pps320)}",
            ],
            h264.SdpAttributes(96));
        Assert.Equal(
            ["rtpmap:97 MPEG4-GENERIC/48000/2", "fmtp:97 streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config=1190"],
            Format("m=audio 0 RTP/AVP 97\r\na=rtpmap:97 mpeg4-generic/48000/2\r\na=fmtp:97 mode=AAC-hbr;config=1190\r\n").SdpAttributes(97));
        Assert.Equal(["rtpmap:111 opus/48000/2", "fmtp:111 sprop-stereo=1"],
            Format("m=audio 0 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n").SdpAttributes(111));
        Assert.Equal(["rtpmap:0 PCMU/8000"], Format("m=audio 0 RTP/AVP 0\r\n").SdpAttributes(0));
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private static MediaFormat Format(string media)
    {
        var sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + media;
        Assert.True(SessionDescription.TryParse(Encoding.UTF8.GetBytes(sdp), out var description, out var error), error);
        var format = MediaFormat.FromTrack(description.Tracks.Single(), out var why);
        Assert.True(format is not null, why);
        return format;
    }

    private static string Describe(MediaFormat format) => format switch
    {
        H264Format f => $"{B64(f.Sps)} {B64(f.Pps)}",
        H265Format f => $"{B64(f.Vps)} {B64(f.Sps)} {B64(f.Pps)}",
        Mpeg4AudioFormat f => $"{f.ClockRate} {f.Channels} {B64(f.Parameters.ConfigBytes)} {f.Parameters.SizeLength}/{f.Parameters.IndexLength}/{f.Parameters.IndexDeltaLength}",
        LatmFormat f => $"{f.ClockRate} {f.Channels} {f.ConfigHex}",
        OpusFormat f => $"{f.Channels} {f.InputSampleRate}",
        G711Format f => $"{f.ALaw} {f.ClockRate} {f.Channels}",
        _ => throw new ArgumentException(format.GetType().Name),
    } + $" pt={format.PayloadType} clock={format.ClockRate} kind={format.Kind}";
}
