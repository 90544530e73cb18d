using System.Text.Json;
using LiveMux.Media.Codecs.G711;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Tests.Formats;
using LiveMux.Media.Tests.Rtp;

namespace LiveMux.Media.Tests.Mp4;

/// <summary>
/// The audio paths checked by an independent decoder: RTP recorded from GStreamer's encoders and payloaders
/// (TestData/Audio, see tests/tools/record_audio_rtp.sh) -> our depacketizer -> InitSegment + MediaFragment ->
/// .mp4 -> ffmpeg decodes it without a word, ffprobe names the codec, rate and channels, and the decoded
/// length is what the units said. For G.711 the decoded FLAC must equal ffmpeg's own A-law/µ-law decoding of
/// the payloads, sample for sample.
/// </summary>
public sealed class AudioFfmpegAcceptsOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-audio-").FullName;

    // capture, ffprobe codec_name, sample rate, channels, samples per unit, codec string, samples the decoder trims
    public static TheoryData<string, string, int, int, int, string, int> Captures => new()
    {
        { "aac_lc_44100_stereo", "aac", 44100, 2, 1024, "mp4a.40.2", 0 },
        { "aac_lc_48000_mono_fragmented", "aac", 48000, 1, 1024, "mp4a.40.2", 0 },
        { "latm_44100_stereo", "aac", 44100, 2, 1024, "mp4a.40.2", 0 },
        { "latm_48000_mono_fragmented", "aac", 48000, 1, 1024, "mp4a.40.2", 0 },
        // Opus decoders drop the pre-skip (dOps PreSkip 312) from the start.
        { "opus_stereo_20ms", "opus", 48000, 2, 960, "opus", 312 },
        { "opus_mono_60ms", "opus", 48000, 1, 2880, "opus", 312 },
        { "pcma_8000", "flac", 8000, 1, 160, "flac", 0 },
        { "pcmu_8000", "flac", 8000, 1, 160, "flac", 0 },
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public void Ffmpeg_decodes_the_muxed_capture(string name, string codecName, int rate, int channels, int samplesPerUnit, string codec, int trimmed)
    {
        var capture = AudioCapture.Load(name);
        Assert.True(MediaFormat.IsSupported(capture.Track), capture.Sdp);
        using var run = new AudioHarness(MseDepacketizer.TryCreate(capture.Track)!);
        var config = run.Depacketizer.Config;
        Assert.NotNull(config);
        Assert.Equal(TrackKind.Audio, config.Kind);
        Assert.Equal(codec, config.Codec);
        Assert.Equal(rate, config.Timescale);
        Assert.Equal(codecName == "opus" ? 960 : samplesPerUnit, config.DefaultDuration); // Opus assumes 20 ms until units say otherwise

        run.Push(capture.Packets);
        Assert.Empty(run.Drops);
        Assert.True(run.Units.Count >= 30, $"only {run.Units.Count} units");
        if (name.Contains("fragmented"))
        {
            Assert.True(run.UnitsPerPacket.Count(c => c == 0) > run.Units.Count / 2, "the capture should fragment most AUs");
        }

        Assert.All(run.Units, u => Assert.Equal(samplesPerUnit, u.Duration));
        // Each unit starts where the previous one ended, give or take GStreamer's nanosecond-to-clock rounding;
        // opusenc also stamps its second packet one pre-skip (312) early.
        var offsets = Enumerable.Range(1, run.Units.Count - 1)
            .Select(i => run.Units[i].Timestamp - (run.Units[i - 1].Timestamp + run.Units[i - 1].Duration)).ToList();
        Assert.True(offsets.Skip(1).All(o => Math.Abs(o) <= 1), string.Join(",", offsets));
        Assert.Contains(offsets[0], (long[])[-1, 0, 1, -312]);

        Assert.True(run.Units[0].ConfigChanged);
        Assert.All(run.Units.Skip(1), u => Assert.False(u.ConfigChanged));

        var mp4 = Path.Combine(_dir, name + ".mp4");
        AudioMp4.Write(mp4, config, run.Units);
        var totalSamples = run.Units.Sum(u => (long)u.Duration);

        AssertDecodesCleanly(mp4);
        var stream = Probe(mp4);
        Assert.Equal(codecName, stream.GetProperty("codec_name").GetString());
        Assert.Equal(rate.ToString(), stream.GetProperty("sample_rate").GetString());
        Assert.Equal(channels, stream.GetProperty("channels").GetInt32());
        Assert.Equal(run.Units.Count.ToString(), stream.GetProperty("nb_read_frames").GetString());

        var pcm = Decode(mp4, channels);
        Assert.Equal(totalSamples - trimmed, pcm.Length / 2 / channels);

        if (codecName == "flac")
        {
            // ffmpeg's own G.711 decoder on the very payloads we received is the reference.
            var raw = Path.Combine(_dir, name + ".g711");
            File.WriteAllBytes(raw, capture.Packets.SelectMany(p => p.Skip(12)).ToArray());
            var reference = Path.Combine(_dir, name + ".ref.pcm");
            var decode = ExternalTool.Run("ffmpeg", "-v", "error", "-y", "-f", name.StartsWith("pcma") ? "alaw" : "mulaw",
                "-ar", rate.ToString(), "-ac", channels.ToString(), "-i", raw, "-f", "s16le", "-c:a", "pcm_s16le", reference);
            Assert.True(decode.ExitCode == 0, decode.Stderr);
            var expected = File.ReadAllBytes(reference);
            Assert.Equal(expected.Length, pcm.Length);
            Assert.True(expected.AsSpan().SequenceEqual(pcm), "FLAC decoded PCM differs from the G.711 input");
            Assert.Contains(expected.Chunk(2), s => Math.Abs(BitConverter.ToInt16(s)) > 8000); // the tone is really there
        }
    }

    [Fact]
    public void Ffmpeg_decodes_aac_packed_several_units_per_packet()
    {
        // The GStreamer AUs, repacked three per packet by the test packetizer, with timestamps across the wrap.
        var capture = AudioCapture.Load("aac_lc_44100_stereo");
        List<AudioUnit> original;
        using (var first = new AudioHarness(MseDepacketizer.TryCreate(capture.Track)!))
        {
            first.Push(capture.Packets);
            original = first.Units;
        }

        var packets = Rfc3640TestPacketizer.Packetize(original.Select(u => u.Data).ToList(), 1024, perPacket: 3,
            firstSequence: 65530, firstTimestamp: uint.MaxValue - (10 * 1024));
        Assert.True(packets.Count <= (original.Count / 3) + 1);

        using var run = new AudioHarness(MseDepacketizer.TryCreate(capture.Track)!);
        run.Push(packets);
        Assert.Empty(run.Drops);
        Assert.Equal(original.Count, run.Units.Count);
        Assert.Contains(3, run.UnitsPerPacket);
        for (var i = 0; i < original.Count; i++)
        {
            Assert.Equal(original[i].Data, run.Units[i].Data);
            Assert.Equal((long)(uint.MaxValue - (10 * 1024)) + (i * 1024L), run.Units[i].Timestamp);
        }

        var mp4 = Path.Combine(_dir, "aac_multi.mp4");
        AudioMp4.Write(mp4, run.Depacketizer.Config!, run.Units);
        AssertDecodesCleanly(mp4);
        Assert.Equal(original.Count * 1024, Decode(mp4, 2).Length / 4);
    }

    [Fact]
    public void G711_tables_match_ffmpeg_for_every_code()
    {
        var codes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var raw = Path.Combine(_dir, "codes.g711");
        File.WriteAllBytes(raw, codes);
        foreach (var (format, aLaw) in new[] { ("alaw", true), ("mulaw", false) })
        {
            var output = Path.Combine(_dir, format + ".pcm");
            var run = ExternalTool.Run("ffmpeg", "-v", "error", "-y", "-f", format, "-ar", "8000", "-ac", "1", "-i", raw, "-f", "s16le", "-c:a", "pcm_s16le", output);
            Assert.True(run.ExitCode == 0, run.Stderr);
            var expected = File.ReadAllBytes(output).Chunk(2).Select(b => BitConverter.ToInt16(b)).ToArray();
            Assert.Equal(codes.Select(c => aLaw ? G711.DecodeALaw(c) : G711.DecodeMuLaw(c)), expected);
        }
    }

    private static void AssertDecodesCleanly(string mp4)
    {
        var decode = ExternalTool.Run("ffmpeg", "-v", "error", "-err_detect", "crccheck+bitstream+buffer", "-i", mp4, "-f", "null", "-");
        Assert.Equal(0, decode.ExitCode);
        Assert.Equal("", decode.Stderr + decode.Stdout);
    }

    private static JsonElement Probe(string mp4)
    {
        var probe = ExternalTool.Run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "a:0",
            "-show_entries", "stream=codec_name,sample_rate,channels,nb_read_frames", "-of", "json", mp4);
        Assert.True(probe.ExitCode == 0, probe.Stderr);
        Assert.Equal("", probe.Stderr);
        return JsonDocument.Parse(probe.Stdout).RootElement.GetProperty("streams")[0];
    }

    private byte[] Decode(string mp4, int channels)
    {
        var pcm = mp4 + ".pcm";
        var run = ExternalTool.Run("ffmpeg", "-v", "error", "-y", "-i", mp4, "-f", "s16le", "-c:a", "pcm_s16le", "-ac", channels.ToString(), pcm);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return File.ReadAllBytes(pcm);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
