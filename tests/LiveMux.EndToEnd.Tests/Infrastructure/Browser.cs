using LiveMux.Tests;
using Microsoft.Playwright;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>Debian's headless Chromium through Playwright. Playwright's own browser download cannot work here.</summary>
internal sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>Launches Chromium, with <paramref name="extraArgs"/> after the usual ones (e.g. --host-resolver-rules).</summary>
    public static async Task<Browser> LaunchAsync(params string[] extraArgs)
    {
        Tool.Require(Tool.Chromium);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Tool.Chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
                .. extraArgs,
            ],
        });
        return new Browser(playwright, browser);
    }

    /// <summary>Opens a page and collects its console errors and page errors.</summary>
    public Task<(IPage Page, List<string> Errors)> OpenAsync(Uri url) => OpenAsync(url, null);

    /// <summary>Opens a page with a viewport of this size (a phone: 375 x 812), collecting its errors.</summary>
    public Task<(IPage Page, List<string> Errors)> OpenAsync(Uri url, int width, int height) =>
        OpenAsync(url, new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });

    private async Task<(IPage Page, List<string> Errors)> OpenAsync(Uri url, BrowserNewPageOptions? options)
    {
        var page = await _browser.NewPageAsync(options);
        var errors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(m.Text);
                }
            }
        };
        page.PageError += (_, e) =>
        {
            lock (errors)
            {
                errors.Add(e);
            }
        };
        await page.GotoAsync(url.ToString());
        return (page, errors);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
