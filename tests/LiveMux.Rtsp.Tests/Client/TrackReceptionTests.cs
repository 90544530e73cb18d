using LiveMux.Rtsp.Client;

namespace LiveMux.Rtsp.Tests.Client;

public sealed class TrackReceptionTests
{
    /// <summary>
    /// The loop counts an unbroken sequence while another thread takes snapshots: a snapshot taken half way through
    /// an update would show a packet expected but not yet received (loss 1). The sequence lock must never let one out.
    /// </summary>
    [Fact]
    public async Task Snapshots_from_another_thread_never_see_half_an_update()
    {
        const int packets = 200_000;
        var r = new TrackReception(0, 90000, null);
        var done = 0;
        var reader = Task.Run(() =>
        {
            long last = 0;
            do
            {
                var s = r.Snapshot();
                Assert.Equal(0, s.PacketsLost);
                Assert.Equal(s.PacketsExpected, s.PacketsReceived);
                Assert.True(s.PacketsReceived >= last);
                last = s.PacketsReceived;
            }
            while (Volatile.Read(ref done) == 0);
        });
        for (var i = 0; i < packets; i++)
        {
            r.Count((ushort)i, (uint)i, 1, i, 1000);
        }
        Volatile.Write(ref done, 1);
        await reader;
        Assert.Equal(packets, r.Snapshot().PacketsReceived);
    }
}
