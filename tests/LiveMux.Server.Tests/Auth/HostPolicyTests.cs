using LiveMux.Server.Auth;
using Microsoft.AspNetCore.Http;

namespace LiveMux.Server.Tests.Auth;

/// <summary>Which Host headers the server answers, which count as loopback, and which PublicHosts entries are valid.</summary>
public sealed class HostPolicyTests
{
    private static readonly HostPolicy Policy = new(["cams.example.com", "nvr.lan."]);

    [Theory]
    [InlineData("localhost", true, true)]
    [InlineData("LOCALHOST:8080", true, true)]
    [InlineData("localhost.:8080", true, true)]
    [InlineData("127.0.0.1:8080", true, true)]
    [InlineData("127.1.2.3", true, true)]
    [InlineData("[::1]:8080", true, true)]
    [InlineData("[::ffff:127.0.0.1]", true, true)]
    [InlineData("192.168.1.10:8080", true, false)]
    [InlineData("10.0.0.5", true, false)]
    [InlineData("[2001:db8::1]:8443", true, false)]
    [InlineData("cams.example.com", true, false)]
    [InlineData("CAMS.example.com:443", true, false)]
    [InlineData("cams.example.com.", true, false)]
    [InlineData("nvr.lan", true, false)]
    [InlineData("evil.example", false, false)]
    [InlineData("evil.example:8080", false, false)]
    [InlineData("cams.example.com.evil.example", false, false)]
    [InlineData("example.com", false, false)]
    [InlineData("app.localhost", false, false)] // not every resolver keeps *.localhost on loopback
    [InlineData("localhost.evil.example", false, false)]
    [InlineData("2130706433", false, false)] // 127.0.0.1 as one number: .NET parses it, browsers never send it
    [InlineData("0x7f.1", false, false)]
    [InlineData("127.000.000.001", false, false)]
    public void Hosts(string host, bool accepted, bool loopback)
    {
        Assert.Equal(accepted, Policy.Accepts(new HostString(host)));
        Assert.Equal(loopback, HostPolicy.IsLoopbackHost(new HostString(host)));
    }

    [Fact]
    public void No_host_at_all_is_not_a_browser()
    {
        Assert.True(Policy.Accepts(default));
        Assert.True(HostPolicy.IsLoopbackHost(default));
    }

    [Theory]
    [InlineData("cams.example.com", true)]
    [InlineData("nvr", true)]
    [InlineData("nvr.lan.", true)]
    [InlineData("my_host.internal", true)]
    [InlineData("", false)]
    [InlineData(" ", false)]
    [InlineData("https://cams.example.com", false)]
    [InlineData("cams.example.com:8443", false)]
    [InlineData("cams.example.com/live", false)]
    [InlineData("*.example.com", false)]
    [InlineData("-bad.example.com", false)]
    [InlineData("192.168.1.10", false)]
    [InlineData("[::1]", false)]
    public void Public_hosts_entries(string entry, bool valid)
    {
        var errors = new List<string>();
        HostPolicy.Validate(errors, [entry]);
        if (valid)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Equal("LiveMux:PublicHosts:0 must be a host name such as cams.example.com, without scheme, port or path (IP addresses and localhost are always accepted)", Assert.Single(errors));
        }
    }

    [Fact]
    public void Start_up_validation_checks_public_hosts()
    {
        var errors = LiveMuxOptionsValidator.Validate(new LiveMuxOptions { PublicHosts = ["ok.example.com", "http://bad"] });
        Assert.Equal(["LiveMux:PublicHosts:1 must be a host name such as cams.example.com, without scheme, port or path (IP addresses and localhost are always accepted)"], errors);
    }
}
