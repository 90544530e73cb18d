using LiveMux.Rtsp;
using LiveMux.Server.Api;

namespace LiveMux.Server.Tests.Api;

/// <summary>Splitting credentials off a camera URL and putting them back, checked against the RTSP client's own parser.</summary>
public sealed class StreamCredentialsTests
{
    public static TheoryData<string, string, string?, string?> Urls => new()
    {
        // url, bare, user, password
        { "rtsp://cam.example/live", "rtsp://cam.example/live", null, null },
        { "rtsp://admin:secret@cam.example:554/live?ch=1", "rtsp://cam.example:554/live?ch=1", "admin", "secret" },
        { "rtsp://admin:p%40ss%2Fw%3Ard@cam.example/live", "rtsp://cam.example/live", "admin", "p@ss/w:rd" },
        { "rtsp://admin:p@ss@cam.example/live", "rtsp://cam.example/live", "admin", "p@ss" },
        { "rtsps://viewer@cam.example", "rtsps://cam.example", "viewer", null },
        { "rtsp://:only-password@cam.example/", "rtsp://cam.example/", null, "only-password" },
        { "rtsp://cam.example/path@with-at", "rtsp://cam.example/path@with-at", null, null },
    };

    [Theory]
    [MemberData(nameof(Urls))]
    public void Split_takes_the_user_information_off(string url, string bare, string? user, string? password)
    {
        var split = StreamCredentials.Split(url);
        Assert.Equal((bare, user, password), split);
        Assert.Equal(user is not null || password is not null, StreamCredentials.HasCredentials(url));
    }

    [Theory]
    [InlineData("admin", "secret")]
    [InlineData("admin", "p@ss/w:rd %x")]
    [InlineData("üser", "pässwörd")]
    [InlineData("viewer", null)]
    public void Merge_gives_a_url_the_rtsp_client_reads_back(string user, string? password)
    {
        var url = StreamCredentials.Merge("rtsp://cam.example:554/live?ch=1", user, password);
        Assert.True(RtspUrl.TryParse(url, out var parsed, out var error), error);
        Assert.Equal(user, parsed.UserName);
        Assert.Equal(password ?? "", parsed.Password ?? "");
        Assert.Equal("rtsp://cam.example:554/live?ch=1", StreamCredentials.Split(url).Bare);
        Assert.Equal((user, password), (StreamCredentials.Split(url).User, StreamCredentials.Split(url).Password));
    }

    [Fact]
    public void Merge_without_credentials_is_the_bare_url() =>
        Assert.Equal("rtsp://cam.example/live", StreamCredentials.Merge("rtsp://cam.example/live", null, ""));
}
