using LiveMux.Rtsp.Auth;
using LiveMux.Rtsp.Protocol;

namespace LiveMux.Rtsp.Tests.Fuzz;

/// <summary>
/// Replays every committed seed through its target, the message streams split at every byte. Seeds that are not
/// <c>crash-*</c> regressions are valid input and must also be understood, so the fuzzer starts deep.
/// </summary>
public sealed class RtspFuzzSeedTests
{
    public static TheoryData<string, string> Seeds
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var target in RtspFuzzCorpus.Targets)
            {
                foreach (var name in RtspFuzzCorpus.Names(target))
                {
                    data.Add(target, name);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Seed_passes_its_target(string target, string name)
    {
        var input = RtspFuzzCorpus.Bytes(target, name);
        var valid = !name.StartsWith("crash-", StringComparison.Ordinal);
        switch (target)
        {
            case "rtsp-message":
                for (var chunk = 1; chunk <= 16; chunk++)
                {
                    RtspFuzzTargets.Message(input, chunk);
                }

                var outcome = RtspFuzzTargets.Read(input, int.MaxValue);
                if (valid)
                {
                    Assert.Equal("more", outcome.End);
                    Assert.NotEmpty(outcome.Frames);
                }

                break;
            case "rtsp-transport":
                var text = RtspFuzzTargets.Text(input);
                RtspFuzzTargets.Transport(text);
                if (valid)
                {
                    var t = TransportHeader.Parse(text);
                    Assert.True(t.RtpChannel is not null || t.ServerRtpPort is not null || t.ClientRtpPort is not null, text);
                }

                break;
            case "rtsp-auth":
                var value = RtspFuzzTargets.Text(input);
                RtspFuzzTargets.Authenticate(value);
                if (valid)
                {
                    Assert.NotNull(RtspAuthenticator.TryCreate("u", "p", AuthChallenge.ParseAll([value]), out var reason));
                    Assert.Null(reason);
                }

                break;
            default:
                Assert.Fail(target);
                break;
        }
    }

    [Fact]
    public void Every_target_has_seeds() => Assert.All(RtspFuzzCorpus.Targets, t => Assert.True(RtspFuzzCorpus.Names(t).Count >= 3, t));
}
