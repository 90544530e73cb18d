using LiveMux.Rtsp.Protocol;

namespace LiveMux.Rtsp.Tests.Protocol;

public sealed class ControlUrlTests
{
    // request URL, Content-Base, Content-Location -> base URL
    [Theory]
    [InlineData("rtsp://h:554/live", "rtsp://h:554/live/", "rtsp://h:554/other/", "rtsp://h:554/live/")]
    [InlineData("rtsp://h:554/live", null, "rtsp://h:554/loc/", "rtsp://h:554/loc/")]
    [InlineData("rtsp://h:554/live", "  ", "", "rtsp://h:554/live")]
    [InlineData("rtsp://h:554/live", null, null, "rtsp://h:554/live")]
    [InlineData("rtsp://h:554/live", "/abs/", null, "rtsp://h:554/abs/")]
    public void Base_is_content_base_then_content_location_then_the_request(string request, string? contentBase, string? contentLocation, string expected) =>
        Assert.Equal(expected, ControlUrl.BaseOf(request, contentBase, contentLocation));

    // base, a=control -> URL for SETUP/PLAY
    [Theory]
    [InlineData("rtsp://h:554/live/", "*", "rtsp://h:554/live/")]
    [InlineData("rtsp://h:554/live/", null, "rtsp://h:554/live/")]
    [InlineData("rtsp://h:554/live/", "", "rtsp://h:554/live/")]
    [InlineData("rtsp://h:554/live", "trackID=1", "rtsp://h:554/live/trackID=1")]
    [InlineData("rtsp://h:554/live/", "trackID=1", "rtsp://h:554/live/trackID=1")]
    [InlineData("rtsp://h:554/live/", "rtsp://other:8554/t1", "rtsp://other:8554/t1")]
    [InlineData("rtsp://h:554/live/", "/t/1", "rtsp://h:554/t/1")]
    [InlineData("rtsp://h/cam/realmonitor?channel=1&subtype=0/", "trackID=0", "rtsp://h/cam/realmonitor?channel=1&subtype=0/trackID=0")]
    public void Control_resolves_against_the_base(string baseUrl, string? control, string expected) =>
        Assert.Equal(expected, ControlUrl.Resolve(baseUrl, control));
}
