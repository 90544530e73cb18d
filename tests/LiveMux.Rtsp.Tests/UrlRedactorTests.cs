namespace LiveMux.Rtsp.Tests;

public sealed class UrlRedactorTests
{
    [Theory]
    [InlineData("/media/clip.mp4", "/media/clip.mp4")]
    [InlineData("rtsp://cam.local:554/live", "rtsp://cam.local:554/live")]
    [InlineData("rtsp://admin:secret@cam.local/live", "rtsp://***:***@cam.local/live")]
    [InlineData("rtsp://admin:p@ss@cam.local/live", "rtsp://***:***@cam.local/live")]
    [InlineData("rtmp://user@host/app", "rtmp://***:***@host/app")]
    [InlineData("rtsp://admin:pa/ss@cam.local/live", "rtsp://***:***@cam.local/live")]
    [InlineData("rtsp://admin:pa?ss#w@cam.local:554/live?x=1", "rtsp://***:***@cam.local:554/live?x=1")]
    [InlineData("rtsp://admin:a/b@c@cam.local/live", "rtsp://***:***@cam.local/live")]
    [InlineData("[tcp @ 0x55] Connection to tcp://admin:secret@10.0.0.2:554?timeout=0 failed", "[tcp @ 0x55] Connection to tcp://***:***@10.0.0.2:554?timeout=0 failed")]
    [InlineData("https://example.com/live.m3u8?token=abc123&x=1", "https://example.com/live.m3u8?token=***&x=1")]
    [InlineData("http://h/s?user=a&password=b&apikey=c", "http://h/s?user=a&password=***&apikey=***")]
    [InlineData("'rtsp://u:secret@h/p': Invalid data found", "'rtsp://***:***@h/p': Invalid data found")]
    [InlineData("two: rtsp://a:secret@h1/x and http://b:secret@h2/y", "two: rtsp://***:***@h1/x and http://***:***@h2/y")]
    public void Credentials_in_urls_become_stars(string text, string expected)
    {
        Assert.Equal(expected, UrlRedactor.Redact(text));
        Assert.DoesNotContain("secret", UrlRedactor.Redact(text));
    }

    // Where the RTSP client's own redactor had drifted: it knew fewer secret names and no ';' separator.
    [Theory]
    [InlineData("rtsp://cam/x?apikey=k1&a=2", "rtsp://cam/x?apikey=***&a=2")]
    [InlineData("rtsp://cam/x?a=1;auth=zz", "rtsp://cam/x?a=1;auth=***")]
    [InlineData("rtsp://cam/x?sig=abc", "rtsp://cam/x?sig=***")]
    [InlineData("/x/trackID=1?token=abc", "/x/trackID=1?token=***")] // no scheme: the query is still redacted
    [InlineData("trackID=1", "trackID=1")]
    [InlineData("rtsp://***:***@cam/x", "rtsp://***:***@cam/x")] // idempotent
    public void A_single_url_is_redacted_whole(string url, string expected) =>
        Assert.Equal(expected, UrlRedactor.RedactUrl(url));

    [Theory]
    [InlineData("rtsp://admin:secret@cam.local/live")]
    [InlineData("rtsp://admin:pa?ss#w@cam.local:554/live?x=1")]
    [InlineData("http://h/s?user=a&password=b&apikey=c")]
    [InlineData("rtsp://cam/x?a=1;auth=zz")]
    public void Free_text_and_a_single_url_agree(string url) =>
        Assert.Equal(UrlRedactor.Redact(url), UrlRedactor.RedactUrl(url));
}
