using System.Text.Json;
using Microsoft.Playwright;

namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>One dashboard or multi-view tile (<c>li[data-stream]</c>): its shown state and facts, and its player.</summary>
internal sealed record TileState(
    bool Exists, string State, string StateText, string Reason, string PlayerStatus, double CurrentTime, long Frames,
    string Codecs, string Size, string Fps, string Bitrate, string Viewers)
{
    private const string Script =
        """
        (name) => {
          const li = document.querySelector(`li[data-stream="${CSS.escape(name)}"]`);
          if (!li) return { exists: false };
          const p = li.querySelector('livemux-player');
          const dd = [...li.querySelectorAll('.facts dd')].map((d) => d.textContent);
          return {
            exists: true, state: li.dataset.state ?? '', stateText: li.querySelector('.state')?.textContent ?? '',
            reason: li.querySelector('.reason')?.textContent ?? '', status: p?.status ?? '',
            t: p ? p.video.currentTime : -1, frames: p ? p.stats.framesDecoded : 0,
            codecs: dd[0] ?? '', size: dd[1] ?? '', fps: dd[2] ?? '', bitrate: dd[3] ?? '', viewers: dd[4] ?? '',
          };
        }
        """;

    public static async Task<TileState> ReadAsync(IPage page, string stream)
    {
        var j = await page.EvaluateAsync<JsonElement>(Script, stream);
        if (!j.GetProperty("exists").GetBoolean())
        {
            return new TileState(false, "", "", "", "", -1, 0, "", "", "", "", "");
        }

        return new TileState(
            true,
            j.GetProperty("state").GetString() ?? "",
            j.GetProperty("stateText").GetString() ?? "",
            j.GetProperty("reason").GetString() ?? "",
            j.GetProperty("status").GetString() ?? "",
            j.GetProperty("t").GetDouble(),
            j.GetProperty("frames").GetInt64(),
            j.GetProperty("codecs").GetString() ?? "",
            j.GetProperty("size").GetString() ?? "",
            j.GetProperty("fps").GetString() ?? "",
            j.GetProperty("bitrate").GetString() ?? "",
            j.GetProperty("viewers").GetString() ?? "");
    }

    public static async Task<TileState> WaitAsync(IPage page, string stream, Func<TileState, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var state = await ReadAsync(page, stream);
            if (condition(state))
            {
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what}: {state}");
            await Task.Delay(100);
        }
    }
}
