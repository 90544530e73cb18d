using System.Text;
using LiveMux.Hub.Sources.Ffmpeg;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Hub.Tests.Sources.Ffmpeg;

public sealed class StderrDrainTests
{
    private static async Task<(ListLogger Log, StderrDrain Drain)> DrainAsync(string text, FakeTimeProvider? time = null)
    {
        var log = new ListLogger();
        var drain = new StderrDrain(log, time ?? new FakeTimeProvider());
        await drain.RunAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        return (log, drain);
    }

    [Fact]
    public async Task Lines_split_on_newline_and_carriage_return_and_are_redacted()
    {
        var (log, drain) = await DrainAsync("first\r\nsecond\rthird rtsp://admin:secret@cam/x\n\n   \nlast without newline");
        var lines = log.Entries.Where(e => e.EventId == 2102).Select(e => e.Message).ToArray();
        Assert.Equal(["ffmpeg: first", "ffmpeg: second", "ffmpeg: third rtsp://***:***@cam/x", "ffmpeg: last without newline"], lines);
        Assert.Equal("last without newline", drain.LastLine);
    }

    [Fact]
    public async Task The_closing_conversion_failed_does_not_hide_the_error_before_it()
    {
        var (log, drain) = await DrainAsync("[in#0] rtsp://cam/x: Connection refused\nConversion failed!\n");
        Assert.Equal(2, log.Entries.Count);
        Assert.Equal("[in#0] rtsp://cam/x: Connection refused", drain.LastLine);
    }

    [Fact]
    public async Task A_huge_line_is_cut_and_control_characters_replaced()
    {
        var (log, drain) = await DrainAsync(new string('x', 1_000_000) + "\u001b[0m\n");
        var line = Assert.Single(log.Entries).Message;
        Assert.Equal("ffmpeg: ".Length + StderrDrain.MaxLineChars, line.Length);
        Assert.Equal(StderrDrain.MaxLineChars, drain.LastLine!.Length);

        var (escaped, _) = await DrainAsync("a\u001bb\n");
        Assert.Equal("ffmpeg: a?b", Assert.Single(escaped.Entries).Message);
    }

    [Fact]
    public async Task A_flood_is_rate_limited_and_the_rest_counted()
    {
        var text = string.Concat(Enumerable.Range(0, 1000).Select(i => $"line {i}\n"));
        var (log, drain) = await DrainAsync(text);
        Assert.Equal(StderrDrain.LinesPerSecond, log.Entries.Count(e => e.EventId == 2102));
        Assert.Equal($"ffmpeg: {1000 - StderrDrain.LinesPerSecond} more lines suppressed (over {StderrDrain.LinesPerSecond} lines/s)", Assert.Single(log.Entries, e => e.EventId == 2103).Message);
        Assert.Equal("line 999", drain.LastLine);
    }

    [Fact]
    public async Task The_limit_is_per_second()
    {
        var time = new FakeTimeProvider();
        var log = new ListLogger();
        var drain = new StderrDrain(log, time);
        drain.Push(string.Concat(Enumerable.Range(0, 30).Select(i => $"a{i}\n")));
        time.Advance(TimeSpan.FromSeconds(1));
        drain.Push(string.Concat(Enumerable.Range(0, 5).Select(i => $"b{i}\n")));
        await drain.RunAsync(Stream.Null);

        Assert.Equal(StderrDrain.LinesPerSecond + 5, log.Entries.Count(e => e.EventId == 2102));
        Assert.Contains(log.Entries, e => e.Message == "ffmpeg: 10 more lines suppressed (over 20 lines/s)");
    }
}
