using System.Text;
using LiveMux.Hub.Sources;
using LiveMux.Hub.Sources.Ffmpeg;
using LiveMux.Hub.Tests.Sources.Ffmpeg;
using Microsoft.Extensions.Time.Testing;

namespace LiveMux.Hub.Tests.Sources;

/// <summary>
/// The password table: every password is hidden in each form ffmpeg or a person may write it, wherever it stands
/// in an ffmpeg input given as free text, and in the lines that quote that input.
/// </summary>
public sealed class SecretRedactorTests
{
    public static readonly string[] Passwords =
    [
        "simple-Pw-1",
        "p/ss?w#rd",
        "p@ss@word",
        "it's \"quoted\"",
        "100% sure",
        "with spaces in it",
        "pässwörd-ünïcode",
        "a:b:c-colons",
        "rtsp-like//:@",
        "%41%42-looks-encoded",
    ];

    public static TheoryData<string> Table => [.. Passwords];

    // The ways a password reaches an ffmpeg input: as typed (what ffmpeg itself accepts), or percent-encoded.
    private static IEnumerable<string> Inputs(string password) =>
    [
        $"rtsp://admin:{password}@10.0.0.7:554/Streaming/101",
        $"rtsp://admin:{Uri.EscapeDataString(password)}@10.0.0.7:554/Streaming/101",
        $"https://cam.example/live.m3u8?user=admin&password={Uri.EscapeDataString(password)}",
    ];

    // How lines may quote it: as written in the input, decoded, or encoded again.
    private static IEnumerable<string> Lines(string input, string password) =>
    [
        $"[in#0 @ 0x5581] Error opening input '{input}': Connection refused",
        $"Input #0, rtsp, from \"{input}\":",
        $"{input}: Server returned 401 Unauthorized (authorization failed)",
        $"[rtsp @ 0x1] method DESCRIBE failed; password was {password}; encoded {Uri.EscapeDataString(password)}",
    ];

    [Theory]
    [MemberData(nameof(Table))]
    public void Hides_the_password_of_an_ffmpeg_input_in_every_form(string password)
    {
        foreach (var input in Inputs(password))
        {
            var redactor = SecretRedactor.ForText(input);
            foreach (var line in Lines(input, password).Append(input))
            {
                var shown = redactor.Redact(line);
                AssertHidden(password, shown);
            }

            // The host stays: an admin must see which camera failed.
            Assert.Contains(input.StartsWith("https", StringComparison.Ordinal) ? "cam.example" : "10.0.0.7:554", redactor.Redact(input), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Hides_the_password_in_stderr_lines_cut_at_any_point(string password)
    {
        var input = $"rtsp://admin:{password}@10.0.0.7/x";
        var redactor = SecretRedactor.ForText(input);

        // The password straddles the cut at MaxLineChars in every possible way.
        for (var pad = StderrDrain.MaxLineChars - password.Length - 2; pad <= StderrDrain.MaxLineChars + 1; pad++)
        {
            var log = new ListLogger();
            var drain = new StderrDrain(log, new FakeTimeProvider(), redactor);
            var line = new string('x', pad) + password + " tail " + input + "\n";
            await drain.RunAsync(new MemoryStream(Encoding.UTF8.GetBytes(line)));
            var logged = Assert.Single(log.Entries).Message;
            AssertHidden(password, logged);
            AssertHidden(password, drain.LastLine!);
            Assert.True(drain.LastLine!.Length <= StderrDrain.MaxLineChars);
        }
    }

    [Fact]
    public void Short_values_are_left_to_the_url_patterns()
    {
        var redactor = SecretRedactor.ForText("rtsp://admin:ab@10.0.0.7/x");
        Assert.Equal("Stream #0:0: Video: h264, yuv420p(tv), 640x480, 25 fps, tbr ab", redactor.Redact("Stream #0:0: Video: h264, yuv420p(tv), 640x480, 25 fps, tbr ab"));
        Assert.Equal("rtsp://***:***@10.0.0.7/x", redactor.Redact("rtsp://admin:ab@10.0.0.7/x"));
    }

    [Fact]
    public void Inputs_without_credentials_are_left_alone()
    {
        var redactor = SecretRedactor.ForText("/media/clips/front door.mp4");
        Assert.Equal(0, redactor.LongestSecret);
        Assert.Equal("/media/clips/front door.mp4: No such file", redactor.Redact("/media/clips/front door.mp4: No such file"));
    }

    private static void AssertHidden(string password, string shown)
    {
        foreach (var form in new[] { password, Uri.EscapeDataString(password) })
        {
            Assert.DoesNotContain(form, shown, StringComparison.OrdinalIgnoreCase);
        }

        // No recognisable piece of it either: the table's passwords share no 8-character run with the lines around them.
        for (var i = 0; i + 8 <= password.Length; i++)
        {
            Assert.DoesNotContain(password.Substring(i, 8), shown, StringComparison.Ordinal);
        }
    }
}
