using System.Buffers.Binary;
using LiveMux.Hub;
using LiveMux.Hub.Distribution;
using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;
using LiveMux.Media.Mp4.Reading;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.G711;
using LiveMux.Server.Egress.Mse;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Server.Tests.Egress.Mse;

/// <summary>The browser's choices, made by the MSE egress alone: G.711 as FLAC, a silent audio track left out, the fragment with its prft.</summary>
public sealed class MseMuxerTests
{
    private static readonly TrackConfig Video = new() { Kind = TrackKind.Video, Codec = "avc1.42C00D", Timescale = 90000, SampleEntry = [0], Width = 320, Height = 240, FrameRate = 30 };
    private static readonly TrackConfig Aac = new() { Kind = TrackKind.Audio, Codec = "mp4a.40.2", Timescale = 48000, SampleEntry = [1] };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));

    private MseMuxer NewMuxer() => new("cam", TimeSpan.FromSeconds(3), _time, NullLogger.Instance);

    [Fact]
    public void G711_reaches_browsers_as_flac_while_the_stream_keeps_g711()
    {
        var alaw = new G711Depacketizer(aLaw: true).Config!;
        var stream = new StreamFormat([alaw]);
        var muxer = NewMuxer();
        var mse = muxer.OnFormat(stream);
        Assert.Equal("flac", Assert.Single(mse.Tracks).Codec);
        Assert.Equal("alaw", Assert.Single(stream.Tracks).Codec);
        Assert.Equal("video/mp4; codecs=\"flac\"", MseMuxer.ForBrowsers(stream).MimeType);

        using var sample = new Held(Sample.Rent(160, 0, 0, 160, true, out var codes));
        codes.Fill(0xD5); // A-law silence
        sample.Value.Place(8000, 0, 160, 0);
        var fragment = muxer.Mux(Delivery<Sample>.Media(sample.Value, 0, true), out var changed);
        Assert.Null(changed);
        Assert.NotNull(fragment);
        var mdat = Mdat(fragment.ToArray());
        Assert.Equal(0xFFF8, BinaryPrimitives.ReadUInt16BigEndian(mdat) & 0xFFFE); // a FLAC frame's sync code
        fragment.Release();
    }

    [Fact]
    public void Browsers_get_bitstream_restriction_added_to_a_baseline_sps_while_the_stream_keeps_the_camera_s()
    {
        // x264 baseline 320x240 with its bitstream_restriction removed (see SpsRewriterTests).
        var sps = Convert.FromHexString("6742c00bd90141fb0110000003001000000300a040");
        var camera = new H264ParameterSets(addBitstreamRestriction: false);
        camera.Offer(sps);
        camera.Offer([0x68, 0xCB, 0x83, 0xCB, 0x20]);
        Assert.True(camera.Refresh());
        var stream = new StreamFormat([camera.Config!]);

        var mse = NewMuxer().OnFormat(stream);
        var video = Assert.Single(mse.Tracks);
        Assert.NotEqual(stream.Tracks[0].SampleEntry, video.SampleEntry);
        Assert.Equal(stream.Tracks[0].Codec, video.Codec);
        Assert.Equal(video.SampleEntry, MseMuxer.ForBrowsers(stream).Tracks[0].SampleEntry);
        Assert.Contains(Convert.ToHexString(sps), Convert.ToHexString(stream.Tracks[0].SampleEntry));
        Assert.DoesNotContain(Convert.ToHexString(sps), Convert.ToHexString(video.SampleEntry));
    }

    [Fact]
    public void Each_fragment_carries_its_track_its_times_and_the_hub_arrival_in_its_prft()
    {
        var muxer = NewMuxer();
        muxer.OnFormat(new StreamFormat([Video, Aac]));
        var arrival = _time.GetUtcNow();
        var items = new[]
        {
            (Track: 0, Dts: 9000L, Cto: 3000, Key: true),
            (Track: 1, Dts: 4800L, Cto: 0, Key: true),
            (Track: 0, Dts: 12000L, Cto: 0, Key: false),
        };

        var sequence = 0u;
        foreach (var (track, dts, cto, key) in items)
        {
            using var sample = new Held(Sample.Rent(32, 0, 0, 0, key, out var data));
            data.Fill((byte)track);
            sample.Value.Place(dts, cto, 3000, ProducerReferenceTime.ToNtp(arrival));
            var fragment = muxer.Mux(Delivery<Sample>.Media(sample.Value, track, key && track == 0), out _)!;
            var bytes = fragment.ToArray().AsSpan();
            Assert.Equal(track, fragment.TrackIndex);
            Assert.Equal(dts + cto, fragment.PresentationTime);
            var prft = bytes[8..];
            Assert.Equal((uint)track + 1, BinaryPrimitives.ReadUInt32BigEndian(prft[4..]));
            Assert.Equal(arrival, ProducerReferenceTime.FromNtp(BinaryPrimitives.ReadUInt64BigEndian(prft[8..])));
            Assert.Equal(dts + cto, (long)BinaryPrimitives.ReadUInt64BigEndian(prft[16..]));
            Assert.True(BoxCursor.TryFind(bytes, BoxCursor.FourCc("moof"u8), out var moof));
            Assert.True(BoxCursor.TryFind(moof, BoxCursor.FourCc("mfhd"u8), out var mfhd));
            var number = BinaryPrimitives.ReadUInt32BigEndian(mfhd[4..]);
            Assert.True(number > sequence, "sequence numbers increase");
            sequence = number;
            Assert.Equal(32, Mdat(bytes).Length);
            fragment.Release();
        }
    }

    [Fact]
    public void Announced_audio_that_never_comes_is_left_out_at_a_keyframe_after_the_wait_and_stays_out()
    {
        var muxer = NewMuxer();
        Assert.Equal(2, muxer.OnFormat(new StreamFormat([Video, Aac])).Tracks.Count);
        Assert.Null(MuxVideo(muxer, 0, key: true));
        Assert.Null(MuxVideo(muxer, 1, key: false));

        // No audio for the wait (3 s); the format changes only at a keyframe, where viewers can switch.
        _time.Advance(TimeSpan.FromSeconds(3.1));
        Assert.Null(MuxVideo(muxer, 2, key: false));
        var changed = MuxVideo(muxer, 3, key: true);
        Assert.Equal("avc1.42C00D", Assert.Single(changed!.Tracks).Codec);

        // Audio that starts late stays out until the next format: one switch, not a flip-flop.
        using var late = new Held(Sample.Rent(8, 0, 0, 1024, true, out _));
        late.Value.Place(0, 0, 1024, 0);
        Assert.Null(muxer.Mux(Delivery<Sample>.Media(late.Value, 1, false), out _));

        // A new session's format brings the audio back.
        Assert.Equal(2, muxer.OnFormat(new StreamFormat([Video, Aac])).Tracks.Count);
    }

    [Fact]
    public void Audio_that_comes_keeps_its_track_however_long_the_stream_runs()
    {
        var muxer = NewMuxer();
        muxer.OnFormat(new StreamFormat([Video, Aac]));
        MuxVideo(muxer, 0, key: true);
        using (var audio = new Held(Sample.Rent(8, 0, 0, 1024, true, out _)))
        {
            audio.Value.Place(0, 0, 1024, 0);
            muxer.Mux(Delivery<Sample>.Media(audio.Value, 1, false), out _)!.Release();
        }

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(MuxVideo(muxer, 1, key: true));
        Assert.Equal(2, muxer.Format!.Tracks.Count);
    }

    private static StreamFormat? MuxVideo(MseMuxer muxer, int id, bool key)
    {
        using var sample = new Held(Sample.Rent(16, 0, 0, 0, key, out _));
        sample.Value.Place(id * 3000L, 0, 3000, 0);
        muxer.Mux(Delivery<Sample>.Media(sample.Value, 0, key), out var changed)!.Release();
        return changed;
    }

    private static ReadOnlySpan<byte> Mdat(ReadOnlySpan<byte> fragment) =>
        BoxCursor.TryFind(fragment, BoxCursor.FourCc("mdat"u8), out var mdat) ? mdat : throw new InvalidOperationException("no mdat");

    /// <summary>The test's own reference on a sample, given back at the end of the scope.</summary>
    private readonly struct Held(Sample value) : IDisposable
    {
        public Sample Value { get; } = value;

        public void Dispose() => Value.Release();
    }
}
