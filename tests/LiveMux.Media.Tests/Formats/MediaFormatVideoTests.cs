using System.Text;
using LiveMux.Media.Formats;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H265;
using LiveMux.Media.Sdp;
using LiveMux.Media.Tests.Sdp;

namespace LiveMux.Media.Tests.Formats;

public sealed class MediaFormatVideoTests
{
    [Fact]
    public void A_camera_h265_track_gets_a_depacketizer_configured_from_its_sprop_parameter_sets()
    {
        Assert.True(SessionDescription.TryParse(Encoding.UTF8.GetBytes(CameraSdps.DahuaLike), out var sdp, out _));
        var video = sdp.Tracks[0];
        Assert.True(MediaFormat.IsSupported(video));
        Assert.Null(MediaFormat.UnsupportedReason(video));

        using var depacketizer = MseDepacketizer.TryCreate(video);
        var h265 = Assert.IsType<H265Depacketizer>(depacketizer);
        // Checked against ffmpeg's trace_headers on the same three parameter sets.
        Assert.Equal("hvc1.1.6.L150.B0", h265.Config!.Codec);
        Assert.Equal((1920, 1080), (h265.Config.Width, h265.Config.Height));
        Assert.Equal(0, h265.Sps!.MaxNumReorderPics);
    }

    public static TheoryData<string, string, int, string?> Tracks => new()
    {
        { "H265", "", 90000, null },
        { "H265", "sprop-max-don-diff=0", 90000, null },
        { "H265", "sprop-max-don-diff=2", 90000, "interleaved packetization (sprop-max-don-diff=2)" },
        { "H265", "sprop-max-don-diff=-1", 90000, "sprop-max-don-diff=(invalid)" },
        { "H265", "", 48000, "48000 Hz clock" },
        { "H264", "", 90000, null },
        { "H264", "", 1000, "1000 Hz clock" },
        { "VP8", "", 90000, "no depacketizer for VP8" },
        { "", "", 0, "no depacketizer for payload type 96" },
    };

    [Theory]
    [MemberData(nameof(Tracks))]
    public void Unsupported_tracks_say_why(string encoding, string fmtp, int clock, string? reason)
    {
        var parameters = fmtp.Length == 0
            ? new Dictionary<string, string>()
            : fmtp.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.OrdinalIgnoreCase);
        var track = new MediaTrack { MediaType = "video", PayloadType = 96, EncodingName = encoding, ClockRate = clock, FormatParameters = parameters };

        var why = MediaFormat.UnsupportedReason(track);
        if (reason is null)
        {
            Assert.Null(why);
            using var depacketizer = MseDepacketizer.TryCreate(track);
            Assert.NotNull(depacketizer);
            Assert.Null(depacketizer.Config); // no sprop: configured in-band later
        }
        else
        {
            Assert.Contains(reason, why);
            Assert.False(MediaFormat.IsSupported(track));
            Assert.Null(MseDepacketizer.TryCreate(track));
        }
    }
}
