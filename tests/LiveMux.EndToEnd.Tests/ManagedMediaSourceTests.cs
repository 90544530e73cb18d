using LiveMux.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// The player's iOS path (ManagedMediaSource) in Chromium, with a MediaSource subclass standing in for
/// Safari's: the player must prefer it, set disableRemotePlayback, stop appending media after
/// `endstreaming` and resume after `startstreaming`.
/// </summary>
[Collection("e2e")]
public sealed class ManagedMediaSourceTests(ITestOutputHelper output)
{
    private const string FakeManagedMediaSource =
        """
        window.__mms = [];
        window.ManagedMediaSource = class ManagedMediaSource extends MediaSource {
          constructor() { super(); window.__mms.push(this); }
        };
        """;

    private const string BufferedEnd =
        "() => { const v = document.querySelector('livemux-player').video; return v.buffered.length ? v.buffered.end(v.buffered.length - 1) : 0; }";

    [Fact]
    public async Task Appends_stop_on_endstreaming_and_resume_on_startstreaming()
    {
        await using var server = await LiveMuxProcess.StartAsync("--LiveMux:Demo=true");
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(new Uri("about:blank"));
        await page.AddInitScriptAsync(FakeManagedMediaSource);
        await page.GotoAsync(new Uri(server.BaseUrl, "player.html?src=demo").ToString());
        await PlayerState.WaitAsync(page, s => s.Status == "playing" && s.Frames > 30, TimeSpan.FromSeconds(20), "playing through ManagedMediaSource");
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__mms.length"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('livemux-player').video.disableRemotePlayback"));

        await page.EvaluateAsync("() => window.__mms[0].dispatchEvent(new Event('endstreaming'))");
        await Task.Delay(300); // an append already in flight may still land
        var held = await page.EvaluateAsync<double>(BufferedEnd);
        await Task.Delay(1500);
        var stillHeld = await page.EvaluateAsync<double>(BufferedEnd);
        output.WriteLine($"after endstreaming: buffered end {held:0.000} -> {stillHeld:0.000} s over 1.5 s");
        Assert.Equal(held, stillHeld, 3);

        await page.EvaluateAsync("() => window.__mms[0].dispatchEvent(new Event('startstreaming'))");
        await Task.Delay(1000);
        var resumed = await page.EvaluateAsync<double>(BufferedEnd);
        output.WriteLine($"after startstreaming: buffered end {resumed:0.000} s");
        Assert.True(resumed > stillHeld + 1, $"buffered end {stillHeld:0.000} -> {resumed:0.000} s after startstreaming");
        var before = await PlayerState.ReadAsync(page);
        await Task.Delay(1000);
        var after = await PlayerState.WaitAsync(page, s => s.Status == "playing", TimeSpan.FromSeconds(5), "playing again");
        Assert.True(after.CurrentTime > before.CurrentTime + 0.5, $"currentTime {before.CurrentTime:0.00} -> {after.CurrentTime:0.00}");
        Assert.Empty(errors);
    }
}
