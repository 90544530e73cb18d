using System.Text;
using LiveMux.Media.Formats;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Tests.Sdp;

public sealed class SessionDescriptionWriterTests
{
    private static readonly byte[] Sps = [0x67, 0x4D, 0x40, 0x1E, 0x9A, 0x66];
    private static readonly byte[] Pps = [0x68, 0xEE, 0x3C, 0x80];

    [Fact]
    public void Writes_an_H264_track_as_RFC_6184_announces_it()
    {
        var sdp = SessionDescriptionWriter.Write("LiveMux", 42, "127.0.0.1",
            [new H264Format(96, Sps, Pps).SdpSection(96, ["framerate:30"])]);
        Assert.Equal(
            "v=0\r\no=- 42 1 IN IP4 127.0.0.1\r\ns=LiveMux\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\na=tool:LiveMux\r\na=range:npt=0-\r\na=control:*\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 packetization-mode=1;profile-level-id=4D401E;sprop-parameter-sets=Z01AHppm,aO48gA==\r\n"
            + "a=framerate:30\r\na=control:trackID=0\r\n",
            sdp);
    }

    [Fact]
    public void What_it_writes_the_parser_reads_back_track_by_track()
    {
        var sdp = SessionDescriptionWriter.Write("two", 1, "127.0.0.1",
        [
            new H264Format(96, Sps, Pps).SdpSection(96),
            new OpusFormat(97, channels: 2).SdpSection(97),
        ]);
        Assert.True(SessionDescription.TryParse(Encoding.UTF8.GetBytes(sdp), out var parsed, out var error), error);
        Assert.Equal("*", parsed.Control);
        Assert.Equal(["video H264/90000 trackID=0 pt=96", "audio OPUS/48000/2 trackID=1 pt=97"],
            parsed.Tracks.Select(t => $"{t} {t.Control} pt={t.PayloadType}"));
        Assert.Equal("Z01AHppm,aO48gA==", parsed.Tracks[0].FormatParameters["sprop-parameter-sets"]);
        Assert.Equal("1", parsed.Tracks[1].FormatParameters["sprop-stereo"]);
    }

    [Fact]
    public void Refuses_a_value_that_would_forge_a_line()
        => Assert.Throws<ArgumentException>(() => SessionDescriptionWriter.Write("a\r\nm=audio 0 RTP/AVP 0", 1, "127.0.0.1", []));
}
