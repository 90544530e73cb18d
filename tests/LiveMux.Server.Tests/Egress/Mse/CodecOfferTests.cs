using LiveMux.Hub;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Server.Egress.Mse;

namespace LiveMux.Server.Tests.Egress.Mse;

/// <summary>Whether the browser's codec list covers a stream: by family, since no browser lists every profile.</summary>
public sealed class CodecOfferTests
{
    private static StreamFormat Format(params string[] codecs) => new(codecs.Select(c => new TrackConfig
    {
        Kind = c.StartsWith("mp4a", StringComparison.Ordinal) || c == "opus" ? TrackKind.Audio : TrackKind.Video,
        Codec = c,
        Timescale = 90000,
        SampleEntry = [1],
    }).ToArray());

    public static TheoryData<string, string[], string?> Cases => new()
    {
        // offer, stream codecs, first unsupported (null = playable)
        { "avc1.640029,mp4a.40.2", ["avc1.4D401F"], null },
        { "avc1.42E01E", ["avc1.640033"], null },
        { "AVC1.640029", ["avc1.4d401f"], null },
        { " avc1.640029 , mp4a.40.2 ", ["avc1.4D401F", "mp4a.40.2"], null },
        { "avc1.640029,mp4a.40.2", ["avc1.4D401F", "opus"], "opus" },
        { "avc1.640029", ["hvc1.1.6.L93.B0"], "hvc1.1.6.L93.B0" },
        { "hvc1.1.6.L153.B0", ["hvc1.1.6.L93.B0"], null },
        { "hev1.1.6.L153.B0", ["hvc1.1.6.L93.B0"], null },
        { "hvc1.1.6.L153.B0", ["hev1.1.6.L93.B0"], null },
        { "mp4a.40.2", ["avc1.4D401F"], "avc1.4D401F" },
        { "flac,opus", ["avc1.4D401F", "opus"], "avc1.4D401F" },
        { "", ["avc1.4D401F"], "avc1.4D401F" },
        { ",,,", ["avc1.4D401F"], "avc1.4D401F" },
        { "avc1", ["avc1.4D401F"], null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void First_unsupported(string offer, string[] codecs, string? expected) =>
        Assert.Equal(expected, FirstUnsupported(CodecOffer.Parse(offer), Format(codecs)));

    // What ViewerTracks asks of the offer, track by track.
    private static string? FirstUnsupported(CodecOffer offer, StreamFormat format) =>
        format.Tracks.Select(t => t.Codec).FirstOrDefault(c => !offer.Supports(c));

    [Theory]
    [InlineData("", true)]
    [InlineData(" , ,", true)]
    [InlineData("avc1.640029", false)]
    public void Empty_offer(string offer, bool empty) => Assert.Equal(empty, CodecOffer.Parse(offer).IsEmpty);

    [Fact]
    public void Only_the_first_64_entries_count()
    {
        var filler = Enumerable.Range(0, CodecOffer.MaxCodecs).Select(i => $"x{i}.1");
        Assert.Equal("avc1.4D401F", FirstUnsupported(CodecOffer.Parse(string.Join(",", filler.Append("avc1.640029"))), Format("avc1.4D401F")));
        Assert.Null(FirstUnsupported(CodecOffer.Parse(string.Join(",", filler.Take(CodecOffer.MaxCodecs - 1).Append("avc1.640029"))), Format("avc1.4D401F")));
    }

    public static TheoryData<string, string, string> Refusals => new()
    {
        // offer, refused codec, the whole message
        { "avc1.640029,mp4a.40.2", "hvc1.1.6.L93.B0", "this browser cannot play the stream's codec hvc1.1.6.L93.B0 (H.265/HEVC); it offered avc1,mp4a" },
        { "hvc1.1.6.L153.B0", "avc1.4D401F", "this browser cannot play the stream's codec avc1.4D401F (H.264); it offered hvc1" },
        { "avc1.640029", "opus", "this browser cannot play the stream's codec opus (Opus); it offered avc1" },
        { "", "avc1.4D401F", "this browser cannot play the stream's codec avc1.4D401F (H.264); it offered nothing playable" },
        { "avc1,<script>x", "vp09.00.10.08", "this browser cannot play the stream's codec vp09.00.10.08; it offered avc1" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_refusal_names_the_codec_and_what_was_offered(string offer, string codec, string expected) =>
        Assert.Equal(expected, CodecOffer.Parse(offer).Refusal(codec));
}
