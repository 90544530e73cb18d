using System.Globalization;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;
using LiveMux.Media.Tests.Rtp;
using LiveMux.Tests;

namespace LiveMux.Media.Tests.Mp4;

/// <summary>
/// An x264 clip as a camera would send it: access units in decode order with their presentation times,
/// packetized with the production <see cref="H264Packetizer"/>. x264 writes an MP4 (whose packets carry the presentation
/// times RTP would) that ffmpeg turns into Annex B; ffprobe lists the packets' pts in decode order.
/// </summary>
internal sealed record EncodedClip(List<List<byte[]>> AccessUnits, List<long> Pts)
{
    public const uint Ssrc = 0x4C4D5558;

    /// <summary>Encodes testsrc2 with libx264 and <paramref name="x264Arguments"/>; pts are in 90 kHz units.</summary>
    public static EncodedClip Encode(string dir, string name, int frames, int fps, string size, params string[] x264Arguments)
    {
        var mp4 = Path.Combine(dir, name + ".src.mp4");
        var h264 = Path.Combine(dir, name + ".h264");
        var encode = ExternalTool.Run("ffmpeg", [
            "-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={size}:rate={fps}", "-frames:v", frames.ToString(CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-pix_fmt", "yuv420p", .. x264Arguments, "-video_track_timescale", "90000", mp4]);
        Assert.True(encode.ExitCode == 0, encode.Stderr);
        var annexB = ExternalTool.Run("ffmpeg", "-v", "error", "-y", "-i", mp4, "-c", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "h264", h264);
        Assert.True(annexB.ExitCode == 0, annexB.Stderr);
        var probe = ExternalTool.Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts", "-of", "csv=p=0", mp4);
        Assert.True(probe.ExitCode == 0, probe.Stderr);
        var pts = probe.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToList();
        var units = TestAnnexB.GroupAccessUnits(TestAnnexB.SplitNalUnits(File.ReadAllBytes(h264)));
        Assert.Equal(frames, units.Count);
        Assert.Equal(frames, pts.Count);
        return new EncodedClip(units, pts);
    }

    /// <summary>Replaces every SPS with <paramref name="replace"/>(sps).</summary>
    public EncodedClip MapSps(Func<byte[], byte[]> replace) =>
        this with { AccessUnits = AccessUnits.Select(au => au.Select(n => (n[0] & 0x1F) == 7 ? replace(n) : n).ToList()).ToList() };

    /// <summary>RTP packets, RTP time = <paramref name="firstTimestamp"/> + pts (so it can wrap mid-clip).</summary>
    public List<byte[]> Packetize(uint firstTimestamp, int maxPayload = 1200)
    {
        var packets = new List<byte[]>();
        // The clip carries its parameter sets in band, so the packetizer has none of its own to add.
        var packetizer = new H264Packetizer(
            new RtpPacketizerOptions { PayloadType = 96, Ssrc = Ssrc, InitialSequenceNumber = 65_000, InitialTimestamp = firstTimestamp, MaxPayloadSize = maxPayload },
            []);
        for (var i = 0; i < AccessUnits.Count; i++)
        {
            var unit = AccessUnits[i].SelectMany(n => (byte[])[(byte)(n.Length >> 24), (byte)(n.Length >> 16), (byte)(n.Length >> 8), (byte)n.Length, .. n]).ToArray();
            var status = packetizer.Packetize(unit, Pts[i] - Pts[0], static (p, list) => list.Add(p.ToArray()), packets);
            Assert.Equal(PacketizeStatus.Done, status);
        }

        return packets;
    }

    /// <summary>Init segment, then one moof+mdat per unit: tfdt = decode time from the first, trun cto = pts - dts.</summary>
    public static void WriteMp4(string path, TrackConfig config, List<CapturedUnit> units)
    {
        using var file = File.Create(path);
        file.Write(InitSegment.Build([config]));
        var buffer = new byte[MediaFragment.HeaderSize + units.Max(u => u.Data.Length)];
        var origin = units[0].DecodeTimestamp;
        for (var i = 0; i < units.Count; i++)
        {
            var duration = i + 1 < units.Count
                ? units[i + 1].DecodeTimestamp - units[i].DecodeTimestamp
                : units[i].DecodeTimestamp - units[i - 1].DecodeTimestamp;
            var cto = (int)(units[i].Timestamp - units[i].DecodeTimestamp);
            var header = new FragmentHeader((uint)(i + 1), 1, (ulong)(units[i].DecodeTimestamp - origin), (uint)duration, units[i].Data.Length, units[i].IsKeyframe, cto);
            var written = MediaFragment.Write(buffer, header, units[i].Data);
            file.Write(buffer, 0, written);
        }
    }

    public static string SpsStripScript => Path.Combine(RepoPaths.Root, "tests", "tools", "sps_strip.py");
}
