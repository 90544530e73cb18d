using System.Text.RegularExpressions;
using LiveMux.EndToEnd.Tests.Infrastructure;
using LiveMux.Tests;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// An H.265 camera (GStreamer x265enc + rtph265pay) through LiveMux. Debian's Chromium has no HEVC decoder,
/// so ffprobe and ffmpeg judge the output; a viewer that cannot play HEVC must be told so.
/// </summary>
[Collection("e2e")]
public sealed partial class H265Tests
{
    [Fact]
    public async Task An_hevc_viewer_gets_decodable_hvc1_and_an_h264_only_viewer_a_clear_refusal()
    {
        await using var camera = await TestCamera.StartAsync(0, "--codec", "h265", "--fps", "30", "--gop", "30");
        await using var server = await LiveMuxProcess.StartAsync($"--LiveMux:Streams:cam:Url={camera.Url()}");
        await using var hevc = await WsViewer.ConnectAsync(server.WebSocketUrl("cam"), codecs: "hvc1.1.6.L153.B0,avc1.640029,mp4a.40.2", record: true);
        await using var avcOnly = await WsViewer.ConnectAsync(server.WebSocketUrl("cam"), codecs: WsViewer.BrowserCodecs);

        await hevc.WaitForAsync(v => v.BinaryMessages > 75, TimeSpan.FromSeconds(20), "75 fragments");
        await avcOnly.WaitForAsync(v => v.HasMessage("error"), TimeSpan.FromSeconds(10), "a codec refusal");

        // The codec string comes from the camera's SPS: Main profile, Main tier, progressive frames.
        var mse = hevc.Messages.First(m => m.GetProperty("type").GetString() == "mse").GetProperty("value").GetString()!;
        Assert.Matches(MainProfileMime(), mse);

        var recording = hevc.Recording;
        var report = await Decoder.CheckAsync(recording, "h265-camera");
        Assert.Equal("hevc", report.Codec);
        Assert.Equal((640, 360), (report.Width, report.Height));
        Assert.Equal(CountTopLevelBoxes(recording, "moof"u8), report.Frames); // one whole frame per fragment
        Assert.True(report.Keyframes >= 2, $"only {report.Keyframes} keyframes");
        Assert.Equal("", report.DecodeErrors);

        var refusal = avcOnly.Messages.First(m => m.GetProperty("type").GetString() == "error").GetProperty("value").GetString()!;
        Assert.Contains(mse[(mse.IndexOf('"', StringComparison.Ordinal) + 1)..^1], refusal, StringComparison.Ordinal);
        Assert.Contains("H.265/HEVC", refusal, StringComparison.Ordinal);
        Assert.Equal(0, avcOnly.BinaryMessages);
        Assert.Equal(1, camera.MaxSessions);
    }

    private static int CountTopLevelBoxes(byte[] mp4, ReadOnlySpan<byte> type)
    {
        var count = 0;
        var wanted = LiveMux.Media.Mp4.Reading.BoxCursor.FourCc(type);
        var cursor = new LiveMux.Media.Mp4.Reading.BoxCursor(mp4);
        while (cursor.Next(out var found, out _))
        {
            count += found == wanted ? 1 : 0;
        }

        Assert.False(cursor.Malformed, $"bad box at {cursor.Position}");
        return count;
    }

    [GeneratedRegex("""^video/mp4; codecs="hvc1\.1\.6\.L\d+\.90"$""")]
    private static partial Regex MainProfileMime();
}
