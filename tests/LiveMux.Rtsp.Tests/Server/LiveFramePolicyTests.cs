using LiveMux.Rtsp.Server;

namespace LiveMux.Rtsp.Tests.Server;

public sealed class LiveFramePolicyTests
{
    // Frames offered to one track: K keyframe / p other, lower case when the queue is full.
    // -> decision per frame: S send, W wait for a keyframe, k skip, X disconnect (MaxSkippedGops = 2).
    [Theory]
    [InlineData("pPKPP", "WWSSS")]                  // a session starts at a keyframe
    [InlineData("KPpPPKP", "SSkWWSS")]              // full: skip the rest of the GOP, resume at the next keyframe
    [InlineData("KPpPKPPKP", "SSkWSSSSS")]          // one bad GOP, then whole ones: no disconnect
    [InlineData("KpPKpPK", "SkWSX")]                // skips in two GOPs in a row: disconnect
    [InlineData("KpPkP", "SkWX")]                   // ...also when the next keyframe itself finds the queue full
    [InlineData("KpPKPPKpPK", "SkWSSSSkWS")]        // a whole GOP in between resets the count
    [InlineData("kpK", "WWS")]                      // before the first keyframe a full queue is just waiting
    public void Skips_whole_frames_to_the_next_keyframe_and_disconnects_a_client_that_keeps_skipping(string frames, string expected)
    {
        var policy = new LiveFramePolicy();
        var decisions = "";
        foreach (var f in frames)
        {
            var decision = policy.Decide(isKeyframe: char.ToUpperInvariant(f) == 'K', queueFull: char.IsLower(f), maxSkippedGops: 2);
            decisions += decision switch
            {
                LiveDecision.Send => 'S',
                LiveDecision.Wait => 'W',
                LiveDecision.Skip => 'k',
                _ => 'X',
            };
            if (decision == LiveDecision.Disconnect)
            {
                break;
            }
        }
        Assert.Equal(expected, decisions);
    }
}
