namespace LiveMux.Rtsp.Tests;

/// <summary>The one rule for the end of a URL's user information, and what it refuses.</summary>
public sealed class UrlUserInfoTests
{
    // text, user information as written (null: none), the conservative one a redactor hides, problem (part) or null
    public static TheoryData<string, string?, string?, string?> Table => new()
    {
        { "rtsp://cam/s", null, null, null },
        { "/media/clip.mp4", null, null, null },
        { "rtsp://admin:secret@cam:554/s?x=1", "admin:secret", "admin:secret", null },
        { "rtsp://admin@cam/s", "admin", "admin", null },
        { "rtsp://:pw@cam/s", ":pw", ":pw", null },
        { "rtsp://admin:p%40ss%2F%3F%23w@cam/s", "admin:p%40ss%2F%3F%23w", "admin:p%40ss%2F%3F%23w", null },
        { "rtsp://admin:a:b:c@cam/s", "admin:a:b:c", "admin:a:b:c", null },
        { "rtsp://admin:pässwörd@cam/s", "admin:pässwörd", "admin:pässwörd", null },

        // The last '@' of the authority ends it (as ffmpeg reads it), but a second '@' is refused.
        { "rtsp://admin:p@ss@cam/s", "admin:p@ss", "admin:p@ss", "unencoded '@'" },

        // The authority ends at the first '/', '?' or '#': what comes after an '@' there is ambiguous.
        { "rtsp://admin:pa/ss@cam/s", null, "admin:pa/ss", "after its host" },
        { "rtsp://admin:pa?ss@cam/s", null, "admin:pa?ss", "after its host" },
        { "rtsp://admin:pa#ss@cam/s", null, "admin:pa#ss", "after its host" },
        { "rtsp://u:p@cam/path@x", "u:p", "u:p@cam/path", "after its host" },
        { "rtsp://cam/path@x", null, "cam/path", "after its host" },

        // Written as is, these would end the URL a reader (or a log pattern) sees, or break a header line.
        { "rtsp://admin:p w@cam/s", "admin:p w", "admin:p w", "space" },
        { "rtsp://admin:p'w@cam/s", "admin:p'w", "admin:p'w", "quote" },
        { "rtsp://admin:p\"w@cam/s", "admin:p\"w", "admin:p\"w", "quote" },
        { "rtsp://admin\r\n:pw@cam/s", "admin\r\n:pw", "admin\r\n:pw", "control character" },
        { "rtsp://admin%0D%0A:pw@cam/s", "admin%0D%0A:pw", "admin%0D%0A:pw", "control character" },
        { "rtsp://admin:pw%00@cam/s", "admin:pw%00", "admin:pw%00", "control character" },
        { "rtsp://admin:50%@cam/s", "admin:50%", "admin:50%", "'%'" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Finds_the_user_information_and_says_what_is_wrong_with_it(string text, string? raw, string? conservative, string? problem)
    {
        var userInfo = UrlUserInfo.Find(text);
        Assert.Equal(raw is not null, userInfo.HasUserInfo);
        Assert.Equal(raw ?? "", userInfo.Raw);
        Assert.Equal(conservative ?? "", userInfo.ConservativeRaw);
        var found = userInfo.Problem();
        if (problem is null)
        {
            Assert.Null(found);
            Assert.True(text.StartsWith("rtsp://", StringComparison.Ordinal) == RtspUrl.TryParse(text, out _, out _));
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
            Assert.False(RtspUrl.TryParse(text, out _, out var error));
            Assert.Equal(found, error);
        }
    }

    [Theory]
    [InlineData("admin:secret", "admin", "secret")]
    [InlineData("admin", "admin", null)]
    [InlineData("admin:", "admin", "")]
    [InlineData("us%3Aer:p%40ss%3Aw", "us:er", "p@ss:w")]
    [InlineData("adm%C3%AFn:p%20w", "admïn", "p w")]
    public void Decodes_user_and_password(string raw, string user, string? password) =>
        Assert.Equal((user, password), UrlUserInfo.Decode(raw));

    [Theory]
    [InlineData("a%zz:b")]
    [InlineData("a:b%2")]
    public void Bad_percent_encoding_decodes_to_nothing(string raw) => Assert.Null(UrlUserInfo.Decode(raw));

    [Theory]
    [InlineData("a\rb", true)]
    [InlineData("a\nb", true)]
    [InlineData("a\0b", true)]
    [InlineData("a\u007fb", true)]
    [InlineData("a\tb", true)]
    [InlineData("a b'\"%/?#@ä", false)]
    [InlineData(null, false)]
    public void Control_characters(string? text, bool control) => Assert.Equal(control, UrlUserInfo.HasControl(text));
}
