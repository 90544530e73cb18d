using LiveMux.Hub;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Server.Egress.Mse;
using LiveMux.Server.Endpoints;

namespace LiveMux.Server.Tests.Egress.Mse;

/// <summary>Per-viewer negotiation: audio the browser cannot play is left out, video it cannot play is refused.</summary>
public sealed class ViewerTracksTests
{
    private static StreamFormat Format(params string[] codecs) => new(codecs.Select(c => new TrackConfig
    {
        Kind = c.StartsWith("avc1", StringComparison.Ordinal) || c.StartsWith("hvc1", StringComparison.Ordinal) ? TrackKind.Video : TrackKind.Audio,
        Codec = c,
        Timescale = c.StartsWith("avc1", StringComparison.Ordinal) || c.StartsWith("hvc1", StringComparison.Ordinal) ? 90000 : 48000,
        SampleEntry = [1],
    }).ToArray());

    public static TheoryData<string, string[], string, bool[], string> Cases => new()
    {
        // offer, stream tracks, viewer MIME type or "refused:<the codec named in the refusal>", tracks included, codecs left out
        { "avc1.640029,mp4a.40.2,mp4a.40.5,opus,flac", ["avc1.4D401F", "mp4a.40.2"], "video/mp4; codecs=\"avc1.4D401F,mp4a.40.2\"", [true, true], "" },
        { "avc1.640029,opus", ["avc1.4D401F", "opus"], "video/mp4; codecs=\"avc1.4D401F,opus\"", [true, true], "" },
        { "avc1.640029", ["avc1.4D401F", "mp4a.40.2"], "video/mp4; codecs=\"avc1.4D401F\"", [true, false], "mp4a.40.2" },
        { "avc1.640029,mp4a.40.2", ["avc1.4D401F", "opus"], "video/mp4; codecs=\"avc1.4D401F\"", [true, false], "opus" },
        { "avc1.640029,mp4a.40.2,opus", ["avc1.4D401F", "flac"], "video/mp4; codecs=\"avc1.4D401F\"", [true, false], "flac" },
        { "avc1.640029", ["avc1.4D401F"], "video/mp4; codecs=\"avc1.4D401F\"", [true], "" },
        { "avc1.640029,mp4a.40.2", ["hvc1.1.6.L93.B0", "mp4a.40.2"], "refused:hvc1.1.6.L93.B0", [false, true], "" },
        { "mp4a.40.2,opus", ["avc1.4D401F", "opus"], "refused:avc1.4D401F", [false, true], "" },
        { "", ["avc1.4D401F", "opus"], "refused:avc1.4D401F", [false, false], "opus" },
        { "avc1.640029", ["opus"], "refused:opus", [false], "opus" },
        { "opus", ["opus"], "video/mp4; codecs=\"opus\"", [true], "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Choose(string offer, string[] codecs, string expected, bool[] included, string leftOut)
    {
        var tracks = ViewerTracks.Choose(CodecOffer.Parse(offer), Format(codecs));
        var parsed = CodecOffer.Parse(offer);
        var want = expected.StartsWith("refused:", StringComparison.Ordinal) ? parsed.Refusal(expected["refused:".Length..]) : expected;
        Assert.Equal(want, tracks.Refusal ?? tracks.Format.MimeType);
        Assert.Equal(included, Enumerable.Range(0, codecs.Length).Select(tracks.Includes));
        Assert.Equal(leftOut, string.Join(",", tracks.LeftOut));
        Assert.False(tracks.Includes(codecs.Length));
        Assert.False(tracks.Includes(-1));
    }

    [Fact]
    public void The_viewer_init_keeps_the_video_track_id_of_the_shared_fragments()
    {
        var tracks = ViewerTracks.Choose(CodecOffer.Parse("avc1.640029"), Format("avc1.4D401F", "opus"));
        var init = LiveMux.Media.Mp4.InitSegment.Build(tracks.Format.Tracks);

        // One trak, track_ID 1: the id the hub writes into every video fragment's tfhd.
        var tkhd = init.AsSpan().IndexOf("tkhd"u8);
        Assert.Equal(1, CountOf(init, "trak"u8));
        Assert.Equal(1u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(init.AsSpan(tkhd + 4 + 4 + 8)));
    }

    [Fact]
    public void Streams_api_describes_each_track()
    {
        var video = new TrackConfig { Kind = TrackKind.Video, Codec = "avc1.4D401F", Timescale = 90000, SampleEntry = [1], Width = 640, Height = 360, FrameRate = 30 };
        var audio = new TrackConfig { Kind = TrackKind.Audio, Codec = "opus", Timescale = 48000, SampleEntry = [1] };
        var json = System.Text.Json.JsonSerializer.Serialize(new[] { StreamsEndpoint.DescribeTrack(video), StreamsEndpoint.DescribeTrack(audio) }, System.Text.Json.JsonSerializerOptions.Web);
        Assert.Equal(
            "[{\"kind\":\"video\",\"codec\":\"avc1.4D401F\",\"width\":640,\"height\":360,\"fps\":30,\"sampleRate\":null}," +
            "{\"kind\":\"audio\",\"codec\":\"opus\",\"width\":null,\"height\":null,\"fps\":null,\"sampleRate\":48000}]",
            json);
    }

    private static int CountOf(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        var count = 0;
        for (var at = haystack.IndexOf(needle); at >= 0; at = haystack.IndexOf(needle) is var next and >= 0 ? next : -1)
        {
            count++;
            haystack = haystack[(at + needle.Length)..];
        }

        return count;
    }
}
