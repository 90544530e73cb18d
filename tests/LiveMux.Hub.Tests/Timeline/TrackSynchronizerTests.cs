using System.Globalization;
using LiveMux.Hub.Timeline;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Hub.Tests.Timeline;

/// <summary>
/// The A/V sync rules as a table: units in, times out. Video runs at 90 kHz (config says 25 fps, so 3600 ticks
/// until two frames give a real interval; the frames come at 30 fps, 3000 ticks), audio at 8 kHz in 20 ms units
/// (160 ticks, a length the codec states).
/// <code>
///   steps:    "session N"         a new upstream session with N tracks (track 0 video, 1 audio, 2 video)
///             "sdp v|a"           the video or audio config known before any frame (from the SDP)
///             "+MS"               MS milliseconds pass (arrival time)
///             "sr v|a NTP RTP"    a sender report: RTP time RTP is NTP seconds on the sender's wall clock
///             "v PTS[/DTS]"       a video unit on track 0 (DTS defaults to PTS); "v2 PTS" one on track 2
///             "a TS"              an audio unit on track 1; "a0 TS" one on track 0 (an audio-only session)
///   expected: per unit "SLOT DTS DURATION CTO", or why it was dropped (a <see cref="PlaceResult"/>)
/// </code>
/// </summary>
public sealed class TrackSynchronizerTests
{
    private static readonly TimeSpan ConfigTimeout = TimeSpan.FromSeconds(2);

    private static readonly TrackConfig Video = new()
    {
        Kind = TrackKind.Video, Codec = "avc1.42E01E", Timescale = 90000, SampleEntry = [1], FrameRate = 25,
    };

    private static readonly TrackConfig OtherVideo = new()
    {
        Kind = TrackKind.Video, Codec = "hvc1.1.6.L93.B0", Timescale = 90000, SampleEntry = [2], FrameRate = 25,
    };

    private static readonly TrackConfig Audio = new()
    {
        Kind = TrackKind.Audio, Codec = "alaw", Timescale = 8000, SampleEntry = [3],
    };

    // Both tracks with sender reports from the start: video 1000 is wall 1000.000 s, audio 5000 is wall
    // 1000.050 s. The audio arrives 20 ms after the video, but the reports say 50 ms: the reports win (400 ticks).
    private static readonly string[] ReportedStart =
        ["session 2", "sdp a", "sr v 1000 1000", "sr a 1000 4600", "v 1000", "+20", "a 5000", "+13", "v 4000", "+7", "a 5160"];

    private static readonly string[] ReportedStartOut = ["0 0 3600 0", "1 400 160 0", "0 3000 3000 0", "1 560 160 0"];

    // IBBP in decode order (display index 0 3 1 2 6 4 5), one frame of reorder delay: PTS = (index + 1) * 3000.
    private static readonly string[] BFrames =
        ["v 1003000/1000000", "v 1012000/1003000", "v 1006000/1006000", "v 1009000/1009000", "v 1021000/1012000", "v 1015000/1015000", "v 1018000/1018000"];

    public static TheoryData<string, string[], string[]> Cases => new()
    {
        {
            "video only: the first frame starts at 0, each duration is the previous interval",
            ["session 1", "v 123456", "+33", "v 126456", "+33", "v 129456", "+33", "v 132456"],
            ["0 0 3600 0", "0 3000 3000 0", "0 6000 3000 0", "0 9000 3000 0"]
        },
        {
            "video only: frames lost upstream close the gap (no other track to stay in sync with)",
            ["session 1", "v 0", "v 3000", "v 15000", "v 18000"],
            ["0 0 3600 0", "0 3000 3000 0", "0 6000 3000 0", "0 9000 3000 0"]
        },
        {
            "video with audio: frames lost upstream leave the gap, the audio must stay in sync",
            ["session 2", "sdp a", "v 0", "v 3000", "v 15000", "v 18000"],
            ["0 0 3600 0", "0 3000 3000 0", "0 15000 12000 0", "0 18000 3000 0"]
        },
        {
            "video and audio aligned by arrival: audio 20 ms after the video starts 20 ms later",
            ["session 2", "sdp a", "v 1000", "+20", "a 5000", "+13", "v 4000", "+7", "a 5160"],
            ["0 0 3600 0", "1 160 160 0", "0 3000 3000 0", "1 320 160 0"]
        },
        {
            "video and audio aligned by sender reports, not by arrival",
            ReportedStart,
            ReportedStartOut
        },
        {
            "a later report 30 ms off moves the audio forward by 240 ticks",
            [.. ReportedStart, "sr a 1000 4360", "a 5320", "a 5480"],
            [.. ReportedStartOut, "1 960 160 0", "1 1120 160 0"]
        },
        {
            "a later report 30 ms off the other way moves the audio back: units that would go back are dropped",
            [.. ReportedStart, "sr a 1000 4840", "a 5320", "a 5480", "a 5640", "a 5800"],
            [.. ReportedStartOut, "BehindTimeline", "BehindTimeline", "1 800 160 0", "1 960 160 0"]
        },
        {
            "a later report 15 ms off is jitter: the audio stays",
            [.. ReportedStart, "sr a 1000 4480", "a 5320"],
            [.. ReportedStartOut, "1 720 160 0"]
        },
        {
            "a later report 1.1 s off is broken: ignored",
            [.. ReportedStart, "sr a 1000 -4200", "a 5320"],
            [.. ReportedStartOut, "1 720 160 0"]
        },
        {
            "B-frames: decode times run gap-free, the composition offsets carry the presentation order",
            ["session 1", .. BFrames],
            ["0 0 3600 3000", "0 3000 3000 9000", "0 6000 3000 0", "0 9000 3000 0", "0 12000 3000 9000", "0 15000 3000 0", "0 18000 3000 0"]
        },
        {
            "a timestamp jump over 5 s continues at the end; one of 4 s is kept",
            ["session 2", "sdp a", "v 0", "v 3000", "v 543000", "v 546000", "v 906000"],
            ["0 0 3600 0", "0 3000 3000 0", "0 6000 3000 0", "0 9000 3000 0", "0 369000 360000 0"]
        },
        {
            "a new session continues where the last one ended, from any RTP base",
            ["session 1", "v 0", "v 3000", "v 6000", "session 1", "+500", "v 777000", "v 780000"],
            ["0 0 3600 0", "0 3000 3000 0", "0 6000 3000 0", "0 9000 3000 0", "0 12000 3000 0"]
        },
        {
            "a new session starts every track at the latest end (here the audio's, 60 ms)",
            ["session 2", "sdp a", "v 0", "+20", "a 0", "a 160", "session 2", "sdp a", "v 90000", "+20", "a 100"],
            ["0 0 3600 0", "1 160 160 0", "1 320 160 0", "0 5400 3600 0", "1 640 160 0"]
        },
        {
            "audio before the first video frame is dropped; the audio then starts where its clock puts it",
            ["session 2", "sdp v", "sdp a", "a 0", "+20", "a 160", "+20", "v 0", "a 320", "a 480"],
            ["AudioBeforeVideo", "AudioBeforeVideo", "0 0 3600 0", "1 0 160 0", "1 160 160 0"]
        },
        {
            "audio only: slot 0, nothing to wait for",
            ["session 1", "a0 7", "a0 167"],
            ["0 0 160 0", "0 160 160 0"]
        },
        {
            "a track without config: nothing until the wait is over, then the stream goes on without it",
            ["session 2", "v 0", "+1000", "v 3000", "+1000", "v 6000", "v 9000", "a 0"],
            ["FormatIncomplete", "FormatIncomplete", "0 0 3600 0", "0 3000 3000 0", "TrackNotUsed"]
        },
        {
            "the first video and the first audio track are used, a second video track is not",
            ["session 3", "sdp a", "v2 0", "v 0", "v2 3000", "a 0"],
            ["FormatIncomplete", "0 0 3600 0", "TrackNotUsed", "1 0 160 0"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Places_units(string name, string[] steps, string[] expected)
    {
        var time = new FakeTimeProvider();
        var sync = new TrackSynchronizer("cam", ConfigTimeout, time, NullLogger.Instance);
        var actual = new List<string>();
        foreach (var step in steps)
        {
            var words = step.Split(' ');
            switch (words[0])
            {
                case "session":
                    sync.StartSession(int.Parse(words[1], CultureInfo.InvariantCulture));
                    break;
                case "sdp":
                    _ = words[1] == "v" ? sync.OnTrackConfig(0, Video) : sync.OnTrackConfig(1, Audio);
                    break;
                case "sr":
                    var ntp = (ulong)long.Parse(words[2], CultureInfo.InvariantCulture) << 32;
                    var rtp = unchecked((uint)long.Parse(words[3], CultureInfo.InvariantCulture));
                    sync.OnSenderReport(words[1] == "v" ? 0 : 1, new RtcpSenderReport(1, ntp, rtp, 0, 0));
                    break;
                case ['+', ..]:
                    time.Advance(TimeSpan.FromMilliseconds(int.Parse(words[0][1..], CultureInfo.InvariantCulture)));
                    break;
                default:
                    actual.Add(Place(sync, words[0], words[1]));
                    break;
            }
        }

        Assert.True(expected.SequenceEqual(actual), $"{name}{Environment.NewLine}expected: {string.Join(" | ", expected)}{Environment.NewLine}actual:   {string.Join(" | ", actual)}");
    }

    private static string Place(TrackSynchronizer sync, string unit, string times)
    {
        var (track, config, duration) = unit switch
        {
            "v" => (0, Video, 0),
            "a" => (1, Audio, 160),
            "v2" => (2, OtherVideo, 0),
            "a0" => (0, Audio, 160),
            _ => throw new ArgumentException($"unknown unit {unit}"),
        };
        var parts = times.Split('/');
        var pts = long.Parse(parts[0], CultureInfo.InvariantCulture);
        var dts = parts.Length > 1 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : pts;
        sync.OnUnitConfig(track, config);
        var result = sync.Place(track, config, pts, dts, duration, out var p);
        return result == PlaceResult.Placed
            ? string.Create(CultureInfo.InvariantCulture, $"{p.Slot} {p.Dts} {p.Duration} {p.CompositionOffset}")
            : result.ToString();
    }
}
