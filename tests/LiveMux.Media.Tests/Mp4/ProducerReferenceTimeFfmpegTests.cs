using System.Buffers.Binary;
using System.Text.Json;
using System.Text.RegularExpressions;
using LiveMux.Media.Mp4;
using LiveMux.Media.Tests.Rtp;

namespace LiveMux.Media.Tests.Mp4;

/// <summary>
/// prft before every moof, judged by ffmpeg: its mov demuxer walks each top-level prft (its trace names the
/// box, its parent and size) and still decodes every frame; each prft's media_time is the presentation time
/// ffprobe reports for that frame, and its NTP time the one we stamped.
/// </summary>
public sealed partial class ProducerReferenceTimeFfmpegTests : IDisposable
{
    private const int Frames = 30;
    private readonly string _dir = Directory.CreateTempSubdirectory("livemux-prft-").FullName;

    [Fact]
    public void Ffprobe_walks_a_prft_before_every_moof_and_media_time_is_the_frames_pts()
    {
        var clip = EncodedClip.Encode(_dir, "prft", Frames, 30, "320x240", "-bf", "2", "-g", "15");
        using var run = new DepacketizerHarness();
        run.Push(clip.Packetize(1000));
        Assert.Equal(Frames, run.Units.Count);

        var start = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var mp4 = Path.Combine(_dir, "prft.mp4");
        var stamps = new List<ulong>();
        using (var file = File.Create(mp4))
        {
            file.Write(InitSegment.Build([run.Depacketizer.Config!]));
            var units = run.Units;
            var origin = units[0].DecodeTimestamp;
            var buffer = new byte[MediaFragment.HeaderSize + units.Max(u => u.Data.Length)];
            for (var i = 0; i < units.Count; i++)
            {
                var ntp = ProducerReferenceTime.ToNtp(start.AddMilliseconds(i * 1000.0 / 30));
                stamps.Add(ntp);
                var cto = (int)(units[i].Timestamp - units[i].DecodeTimestamp);
                var header = new FragmentHeader((uint)(i + 1), 1, (ulong)(units[i].DecodeTimestamp - origin), 3000, units[i].Data.Length, units[i].IsKeyframe, cto, ntp);
                file.Write(buffer, 0, MediaFragment.Write(buffer, header, units[i].Data));
            }
        }

        var trace = ExternalTool.Run("ffprobe", "-v", "trace", "-show_entries", "packet=pts", "-of", "json", mp4);
        Assert.True(trace.ExitCode == 0, trace.Stderr);
        Assert.Equal(Frames, PrftAtom().Count(trace.Stderr));
        Assert.DoesNotContain("error", trace.Stderr, StringComparison.OrdinalIgnoreCase);
        var packetPts = JsonDocument.Parse(trace.Stdout).RootElement.GetProperty("packets").EnumerateArray()
            .Select(p => p.GetProperty("pts").GetInt64()).ToList();
        Assert.Equal(Frames, packetPts.Count);

        var decode = ExternalTool.Run("ffmpeg", "-v", "error", "-i", mp4, "-f", "null", "-");
        Assert.Equal((0, ""), (decode.ExitCode, decode.Stderr));

        // Our boxes, read by the test's own walker: prft, moof, mdat per frame, media_time = ffprobe's pts
        // (ffprobe shows pts from the edit list's start, which a file without edts puts at 0).
        var boxes = TestBoxWalker.Walk(File.ReadAllBytes(mp4)).SkipWhile(b => b.Type != "prft").ToList();
        Assert.Equal(Frames * 3, boxes.Count);
        for (var i = 0; i < Frames; i++)
        {
            var prft = boxes[i * 3];
            Assert.Equal(("prft", "moof", "mdat"), (prft.Type, boxes[(i * 3) + 1].Type, boxes[(i * 3) + 2].Type));
            Assert.Equal(1, prft.Body[0]); // version 1
            Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(prft.Body.AsSpan(4)));
            Assert.Equal(stamps[i], BinaryPrimitives.ReadUInt64BigEndian(prft.Body.AsSpan(8)));
            Assert.Equal(packetPts[i], (long)BinaryPrimitives.ReadUInt64BigEndian(prft.Body.AsSpan(16)));
        }
    }

    [GeneratedRegex(@"type:'prft' parent:'root' sz: 32 ")]
    private static partial Regex PrftAtom();

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
