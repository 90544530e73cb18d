using LiveMux.Media.Formats;
using LiveMux.Media.Mp4.Reading;

namespace LiveMux.Media.Tests.Mp4.Reading;

/// <summary>
/// The typed RTP formats the reader makes of real ffmpeg fMP4 (the ffmpeg source's flags), judged by ffmpeg's own RTP
/// muxer: its SDP for the same file must carry the same a=rtpmap and the same fmtp values (sprop-parameter-sets,
/// sprop-vps/sps/pps, the AAC config and AU header sizes, sprop-stereo).
/// </summary>
public sealed class SampleEntryFormatsFfmpegTests
{
    public static TheoryData<string, string[], Type, Type?> Encodings => new()
    {
        { "h264_aac", ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"], typeof(H264Format), typeof(Mpeg4AudioFormat) },
        { "h264high_aac_stereo_44k", ["-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high", "-c:a", "aac", "-ac", "2", "-ar", "44100"], typeof(H264Format), typeof(Mpeg4AudioFormat) },
        { "hevc_opus_stereo", ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-tag:v", "hvc1", "-c:a", "libopus", "-ac", "2"], typeof(H265Format), typeof(OpusFormat) },
        { "hev1_opus_mono", ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-tag:v", "hev1", "-c:a", "libopus"], typeof(H265Format), typeof(OpusFormat) },
        { "h264_flac", ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "flac", "-strict", "-2"], typeof(H264Format), null },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Formats_announce_what_ffmpegs_rtp_muxer_announces_for_the_same_stream(string name, string[] codecArgs, Type video, Type? audio)
    {
        var path = Path.Combine(Path.GetTempPath(), $"livemux-formats-{name}-{Environment.ProcessId}.mp4");
        var sdp = Path.ChangeExtension(path, ".sdp");
        try
        {
            var (code, _, stderr) = ExternalTool.Run("ffmpeg",
            [
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-frames:v", "10", "-pix_fmt", "yuv420p", .. codecArgs,
                "-f", "mp4", "-movflags", "empty_moov+default_base_moof", "-frag_duration", "1", path,
            ]);
            Assert.True(code == 0, stderr);

            var tracks = Fmp4ReaderHarness.Read(File.ReadAllBytes(path)).Tracks;
            Assert.Equal(2, tracks.Count);
            Assert.IsType(video, tracks[0].Format);
            if (audio is null)
            {
                Assert.Null(tracks[1].Format);
                Assert.Equal("fLaC has no RTP payload format LiveMux writes", tracks[1].FormatUnsupported);
                Assert.NotNull(tracks[1].Config); // still muxed for browsers
                return;
            }

            Assert.IsType(audio, tracks[1].Format);
            (code, _, stderr) = ExternalTool.Run("ffmpeg",
                "-v", "error", "-y", "-i", path, "-t", "0.1",
                "-map", "0:v", "-c", "copy", "-f", "rtp", "rtp://127.0.0.1:9", "-map", "0:a", "-c", "copy", "-f", "rtp", "rtp://127.0.0.1:9",
                "-sdp_file", sdp);
            Assert.True(code == 0, stderr);
            var theirs = Sections(File.ReadAllText(sdp));
            Assert.Equal(2, theirs.Count);
            for (var i = 0; i < 2; i++)
            {
                var format = tracks[i].Format!;
                var ours = Attributes(format.SdpAttributes(theirs[i].PayloadType));
                Assert.Equal(theirs[i].RtpMap, ours.RtpMap, StringComparer.OrdinalIgnoreCase);
                if (format is OpusFormat opus)
                {
                    // Mono Opus has no fmtp in ffmpeg's SDP: sprop-stereo=0 is then ours to say.
                    Assert.Equal(theirs[i].Fmtp.GetValueOrDefault("sprop-stereo") == "1" ? 2 : 1, opus.Channels);
                }
                else
                {
                    Assert.Contains(theirs[i].Fmtp.Keys, k => k.StartsWith("sprop-", StringComparison.Ordinal) || k == "config");
                }

                foreach (var (key, value) in theirs[i].Fmtp)
                {
                    Assert.True(ours.Fmtp.TryGetValue(key, out var mine), $"{name} track {i}: no {key} in {format.FormatParameters}");
                    Assert.Equal(value, mine, StringComparer.OrdinalIgnoreCase);
                }
            }
        }
        finally
        {
            File.Delete(path);
            File.Delete(sdp);
        }
    }

    private sealed record Section(int PayloadType, string RtpMap, Dictionary<string, string> Fmtp);

    /// <summary>Each m= section's payload type, a=rtpmap value and a=fmtp parameters.</summary>
    private static List<Section> Sections(string sdp)
    {
        var sections = new List<Section>();
        foreach (var line in sdp.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                sections.Add(new Section(int.Parse(line.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture), "", []));
            }
            else if (sections.Count > 0 && line.StartsWith("a=", StringComparison.Ordinal))
            {
                var parsed = Attributes([line[2..]]);
                sections[^1] = sections[^1] with { RtpMap = parsed.RtpMap.Length > 0 ? parsed.RtpMap : sections[^1].RtpMap };
                foreach (var (key, value) in parsed.Fmtp)
                {
                    sections[^1].Fmtp[key] = value;
                }
            }
        }

        return sections;
    }

    private static (string RtpMap, Dictionary<string, string> Fmtp) Attributes(IEnumerable<string> attributes)
    {
        var rtpmap = "";
        var fmtp = new Dictionary<string, string>();
        foreach (var attribute in attributes)
        {
            var value = attribute[(attribute.IndexOf(' ', StringComparison.Ordinal) + 1)..];
            if (attribute.StartsWith("rtpmap:", StringComparison.Ordinal))
            {
                rtpmap = value;
            }
            else if (attribute.StartsWith("fmtp:", StringComparison.Ordinal))
            {
                foreach (var pair in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    fmtp[pair[..eq]] = pair[(eq + 1)..];
                }
            }
        }

        return (rtpmap, fmtp);
    }
}
