using LiveMux.Rtsp.Client;
namespace LiveMux.Rtsp.Tests;

public sealed class RedirectTargetTests
{
    // current URL, Location -> the URL we go to (ToString is redacted: *** marks credentials that travel), or null.
    [Theory]
    [InlineData("rtsp://u:p@cam:554/a", "rtsp://cam:8554/b", "rtsp://***:***@cam:8554/b")]
    [InlineData("rtsp://u:p@cam:554/a", "rtsp://CAM/b", "rtsp://***:***@cam:554/b")]
    [InlineData("rtsp://u:p@cam:554/a", "rtsp://other:554/b", "rtsp://other:554/b")]
    [InlineData("rtsp://u:p@cam:554/a", "rtsp://x:y@other/b", "rtsp://other:554/b")]
    [InlineData("rtsp://cam:554/a", "rtsp://x:y@cam/b", "rtsp://***:***@cam:554/b")]
    [InlineData("rtsp://u:p@cam:554/a", "/live/main", "rtsp://***:***@cam:554/live/main")]
    [InlineData("rtsp://cam:554/a", "rtsps://cam/b", "rtsps://cam:322/b")]
    [InlineData("rtsp://cam:554/a", "http://cam/b", null)]
    [InlineData("rtsp://cam:554/a", "rtsp://", null)]
    public void Credentials_only_travel_to_the_same_host(string current, string location, string? expected)
    {
        Assert.True(RtspUrl.TryParse(current, out var url, out _));
        var next = RtspClient.RedirectTarget(url, location);
        Assert.Equal(expected, next?.ToString());
    }

    [Fact]
    public void Same_host_redirect_keeps_the_exact_credentials()
    {
        Assert.True(RtspUrl.TryParse("rtsp://ad%40min:p%3Aw@cam/a", out var url, out _));
        var next = RtspClient.RedirectTarget(url, "rtsp://cam:1554/b")!;
        Assert.Equal("ad@min", next.UserName);
        Assert.Equal("p:w", next.Password);
        Assert.Equal("rtsp://cam:1554/b", next.Uri.OriginalString);
    }
}
