using System.Globalization;
using LiveMux.Media.Mp4;
using LiveMux.Media.Mp4.Reading;
using LiveMux.Media.Rtp;

namespace LiveMux.Media.Tests.Mp4.Reading;

/// <summary>
/// The reader against real ffmpeg output, in the flags the ffmpeg source uses (several tracks' samples in one moof), judged by ffprobe: every
/// packet, its decode time, presentation time and keyframe flag, and the stream's codec.
/// </summary>
public sealed class Fmp4ReaderFfmpegTests
{
    public static TheoryData<string, string[], string, string> Encodings => new()
    {
        { "h264_aac", ["-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-c:a", "aac"], "avc1.42C00D", "mp4a.40.2" },
        { "h264_bframes_opus", ["-c:v", "libx264", "-preset", "medium", "-bf", "2", "-g", "10", "-c:a", "libopus"], "avc1.64000D", "opus" },
        { "hevc_flac", ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-tag:v", "hvc1", "-c:a", "flac", "-strict", "-2"], "hvc1.1.6.L60.90", "flac" },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Every_packet_ffprobe_sees_comes_out_with_its_times(string name, string[] codecArgs, string videoCodec, string audioCodec)
    {
        var path = Path.Combine(Path.GetTempPath(), $"livemux-fmp4-{name}-{Environment.ProcessId}.mp4");
        try
        {
            string[] args =
            [
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-frames:v", "30", "-pix_fmt", "yuv420p", .. codecArgs,
                "-f", "mp4", "-movflags", "empty_moov+default_base_moof", "-frag_duration", "1", path,
            ];
            var (code, _, stderr) = ExternalTool.Run("ffmpeg", args);
            Assert.True(code == 0, stderr);

            var outcome = Fmp4ReaderHarness.Read(File.ReadAllBytes(path), 4096);
            Assert.Equal(Fmp4Status.NeedMore, outcome.Last);
            Assert.Equal(0, outcome.Unconsumed);
            Assert.Equal(2, outcome.Tracks.Count);
            Assert.Equal(videoCodec, outcome.Tracks[0].Config!.Codec);
            Assert.Equal(TrackKind.Video, outcome.Tracks[0].Config!.Kind);
            Assert.Equal((320, 240), (outcome.Tracks[0].Config!.Width, outcome.Tracks[0].Config!.Height));
            Assert.Equal(audioCodec, outcome.Tracks[1].Config!.Codec);
            Assert.Equal(TrackKind.Audio, outcome.Tracks[1].Config!.Kind);

            for (var track = 0; track < 2; track++)
            {
                var (probeCode, packets, probeErr) = ExternalTool.Run("ffprobe", "-v", "error", "-select_streams", track.ToString(CultureInfo.InvariantCulture),
                    "-show_entries", "packet=dts,pts,size,flags", "-of", "csv=p=0", path);
                Assert.True(probeCode == 0, probeErr);
                var expected = packets.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(l => l.Split(','))
                    .Select(f => (Pts: long.Parse(f[0], CultureInfo.InvariantCulture), Dts: long.Parse(f[1], CultureInfo.InvariantCulture), Size: int.Parse(f[2], CultureInfo.InvariantCulture), Key: f[3].StartsWith('K')))
                    .ToList();
                var ours = outcome.Samples.Where(s => s.Track == track).ToList();
                Assert.Equal(expected.Count, ours.Count);

                // ffprobe shifts the timeline by the edit list; differences from the first packet must agree exactly.
                for (var i = 0; i < ours.Count; i++)
                {
                    Assert.Equal(expected[i].Size, ours[i].Data.Length);
                    Assert.Equal(expected[i].Dts - expected[0].Dts, ours[i].Dts - ours[0].Dts);
                    Assert.Equal(expected[i].Pts - expected[i].Dts, ours[i].Pts - ours[i].Dts);
                    Assert.Equal(expected[i].Key, ours[i].Sync);
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
