using System.Text.Json;

namespace LiveMux.LoadGen.Tests;

public sealed class WindowReportTests
{
    private static ViewerWindow Frames(uint first, uint last, params uint[] missing)
    {
        var w = new ViewerWindow();
        for (var n = first; n <= last; n++)
        {
            if (!missing.Contains(n))
            {
                w.AddFrame(n, 1);
            }
        }

        return w;
    }

    [Theory]
    [InlineData("every frame, windows skewed by a frame at the edges", 100.0)]
    [InlineData("one frame lost in the middle", 99.83)]
    [InlineData("silent for the second half", 50.33)]
    public void A_frame_share_counts_losses_not_window_edges(string name, double expectedMinPercent)
    {
        // Two viewers of one camera; the first always sees frames 1000-1599. The second differs per case.
        var second = name switch
        {
            "every frame, windows skewed by a frame at the edges" => Frames(1001, 1600),
            "one frame lost in the middle" => Frames(1000, 1600, 1300),
            _ => Frames(1000, 1300),
        };
        var viewers = new[] { new Viewer(0, new Uri("ws://x/"), null, TimeProvider.System), new Viewer(0, new Uri("ws://x/"), null, TimeProvider.System) };
        var report = WindowReport.From(viewers, [Frames(1000, 1599), second], 20);

        var json = JsonSerializer.SerializeToElement(report.ToJson());
        Assert.Equal(expectedMinPercent, json.GetProperty("frameShare").GetProperty("min").GetDouble(), 2);
    }
}
