using System.Net;
using LiveMux.Rtsp.Server;
using LiveMux.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveMux.Rtsp.Tests.Server;

/// <summary>
/// An H.265 mount served through <see cref="RtpEgress"/> (AP, FU, the format's VPS/SPS/PPS in the SDP and before
/// each keyframe), judged by an independent client and decoder: ffprobe and ffmpeg over RTSP/TCP. They fail, not
/// skip, without ffmpeg (with libx265) and ffprobe.
/// </summary>
public sealed class RtpEgressFfmpegTests
{
    [Fact]
    public async Task Ffprobe_reads_an_h265_mount_as_hevc_at_its_size_and_ffmpeg_decodes_it_cleanly()
    {
        var clip = await EncodedH265Clip.Instance;
        await using var server = new RtspServer(new RtspServerOptions(), NullLogger<RtspServer>.Instance, TimeProvider.System);
        var egress = new RtpEgress(clip.Format, new RtpEgressOptions { MaxPayloadSize = 1000 });
        var stream = new ServerStream([egress.Track]);
        server.Mount("h265", stream);
        server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var url = $"rtsp://127.0.0.1:{server.LocalEndPoint.Port}/h265";

        // A live camera: the clip looped at 30 fps, timestamps running on across loops.
        using var stop = new CancellationTokenSource();
        var publishing = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / 30));
            for (var frame = 0L; await timer.WaitForNextTickAsync(stop.Token); frame++)
            {
                var unit = clip.Units[(int)(frame % clip.Units.Count)];
                stream.WriteFrame(0, egress.Packetize(unit.Data, frame * 3000, unit.IsKeyframe));
            }
        });

        try
        {
            var probe = await Tool.RunAsync("ffprobe",
                ["-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v:0",
                 "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", url],
                TimeSpan.FromSeconds(60));
            Assert.True(probe.ExitCode == 0, probe.Stderr);
            Assert.Equal($"hevc,{EncodedH265Clip.Width},{EncodedH265Clip.Height}", probe.Stdout.Trim());

            // 60 frames (a hash line each), across a loop of the clip and several keyframes, with nothing for the
            // decoder to say.
            var decode = await Tool.RunAsync("ffmpeg",
                ["-hide_banner", "-nostats", "-v", "error", "-rtsp_transport", "tcp", "-i", url, "-frames:v", "60", "-f", "framemd5", "-"],
                TimeSpan.FromSeconds(60));
            Assert.True(decode.ExitCode == 0, decode.Stderr);
            Assert.Equal("", decode.Stderr.Trim());
            Assert.Equal(60, decode.Stdout.Split('\n').Count(line => line.Length > 0 && line[0] != '#'));
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await publishing;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
